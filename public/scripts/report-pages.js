// Receipt page helpers (server-rendered and in-page receipt): copy and print buttons. Without
// JavaScript the buttons stay hidden and the page asks the reporter to write the code down.
(function () {
  function codeText() {
    var el = document.querySelector('[data-receipt-code]:not(:empty)');
    return el ? el.textContent.trim() : '';
  }
  function say(text) {
    var status = document.querySelectorAll('[data-copy-status]');
    for (var i = 0; i < status.length; i++) status[i].textContent = text;
  }
  function selectCode() {
    var el = document.querySelector('[data-receipt-code]:not(:empty)');
    if (!el || !window.getSelection) return;
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  document.addEventListener('click', function (e) {
    var target = e.target instanceof Element ? e.target : null;
    if (!target) return;
    if (target.closest('[data-copy-receipt]')) {
      var text = codeText();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(
          function () { say('已复制。请同时抄写在纸上，剪贴板里的内容用完请清除。'); },
          function () { selectCode(); say('无法自动复制，已选中查询码，请手动复制或抄写。'); }
        );
      } else {
        selectCode();
        say('已选中查询码，请手动复制或抄写。');
      }
    } else if (target.closest('[data-print]')) {
      window.print();
    }
  });
  var hidden = document.querySelectorAll('[data-js-only]');
  for (var i = 0; i < hidden.length; i++) hidden[i].hidden = false;
})();
