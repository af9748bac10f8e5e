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
  // Lookups and replies go by fetch and their answer replaces the form in place: no navigation, so
  // neither the receipt nor the report enters the tab's history, and nothing can be re-sent by Back
  // or reload. The server answers a POST with a redirect to a single-use view; fetch follows it.
  function slot(form) {
    return form.closest('[data-report-slot]') || document.querySelector('.server-page') || document.querySelector('main');
  }
  function show(form, htmlText, fallbackTitle) {
    var doc = new DOMParser().parseFromString(htmlText, 'text/html');
    var source = doc.querySelector('.server-page') || doc.querySelector('main');
    var box = document.createElement('div');
    box.setAttribute('data-sensitive', '');
    box.className = 'wrap';
    if (source) {
      var drop = source.querySelectorAll('script, [data-quick-exit]');
      for (var i = 0; i < drop.length; i++) drop[i].remove();
      // The answer already sits in a sensitive box; keep one level.
      var inner = source.querySelector('[data-sensitive]');
      if (inner && inner.parentNode === source && source.children.length === 1) source = inner;
      while (source.firstChild) box.appendChild(document.importNode(source.firstChild, true)), source.removeChild(source.firstChild);
    }
    var target = slot(form);
    target.replaceChildren(box);
    var title = doc.querySelector('title');
    document.title = title && title.textContent ? title.textContent : fallbackTitle;
    if (window.__showQuickExitHints) window.__showQuickExitHints();
    unhideJsOnly();
    window.scrollTo(0, 0);
    var h1 = box.querySelector('h1');
    if (h1) {
      h1.setAttribute('tabindex', '-1');
      h1.focus();
    }
  }
  function post(form, status, busyText) {
    var data = new FormData(form);
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    if (status) { status.textContent = busyText; status.className = 'notice'; status.hidden = false; }
    // The typed code leaves the page at once; only the request carries it.
    var code = form.querySelector('input[name="receipt"]');
    if (code) code.value = '';
    fetch(form.action, { method: 'POST', body: data, headers: { Accept: 'text/html' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) { return res.text(); })
      .then(function (text) { show(form, text, '举报查询'); })
      .catch(function () {
        if (button) button.disabled = false;
        var msg = '网络中断，没有完成。请检查网络后重试。';
        if (status) { status.textContent = msg; status.className = 'notice danger'; status.hidden = false; }
        else window.alert(msg);
      });
  }

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.matches('.lookup-form')) {
      e.preventDefault();
      var box = form.querySelector('[data-lookup-status]');
      if (!box) {
        box = document.createElement('p');
        box.setAttribute('role', 'status');
        box.setAttribute('data-lookup-status', '');
        form.appendChild(box);
      }
      post(form, box, '正在查询，请稍候……');
      return;
    }
    if (!form.matches('.reply-form')) return;
    // Reply form on the status page: check attachments before sending, then say that it is sending.
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
    e.preventDefault();
    if (problem) {
      if (status) { status.textContent = problem; status.className = 'notice danger'; status.hidden = false; }
      return;
    }
    post(form, status, list.length ? '正在上传并加密保存附件，请稍候……' : '正在发送……');
  });

  // Leaving the page (another link, Back, closing the tab) wipes whatever showed a report or a
  // receipt, so a page kept in the back-forward cache holds nothing; coming back reloads it clean.
  var wiped = false;
  window.addEventListener('pagehide', function () {
    var sensitive = document.querySelectorAll('[data-sensitive]');
    for (var i = 0; i < sensitive.length; i++) {
      sensitive[i].replaceChildren();
      sensitive[i].hidden = true;
      wiped = true;
    }
    var fields = document.querySelectorAll('input[name="receipt"], .reply-form textarea');
    for (var j = 0; j < fields.length; j++) fields[j].value = '';
  });
  window.addEventListener('pageshow', function (e) {
    if (e.persisted && wiped) window.location.reload();
  });

  function unhideJsOnly() {
    var hidden = document.querySelectorAll('[data-js-only]');
    for (var i = 0; i < hidden.length; i++) hidden[i].hidden = false;
  }
  unhideJsOnly();
})();
