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
  // Reply form on the status page: check attachments before sending, then say that it is sending.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.matches('.reply-form')) return;
    var files = form.querySelector('input[type="file"]');
    var body = form.querySelector('textarea');
    var status = form.querySelector('[data-reply-status]');
    var list = files && files.files ? files.files : [];
    var problem = '';
    if (list.length > 5) problem = '附件最多 5 个，现在选了 ' + list.length + ' 个。';
    for (var i = 0; i < list.length && !problem; i++) {
      if (list[i].size > 20 * 1024 * 1024) problem = '附件“' + list[i].name + '”超过 20 MB，请压缩后再上传。';
    }
    if (!problem && body && !body.value.trim() && list.length === 0) problem = '请写下留言，或选择要补充的附件。';
    if (problem) {
      e.preventDefault();
      if (status) { status.textContent = problem; status.className = 'notice danger'; status.hidden = false; }
      return;
    }
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    if (status) { status.textContent = list.length ? '正在上传并加密保存附件，请稍候……' : '正在发送……'; status.className = 'notice'; status.hidden = false; }
  });

  var hidden = document.querySelectorAll('[data-js-only]');
  for (var i = 0; i < hidden.length; i++) hidden[i].hidden = false;
})();
