// 一键离开 (quick exit), after GOV.UK's "Exit this page": a click on the button, or pressing Shift three
// times within a second of each other, blanks the page at once and replaces it with a neutral site.
// location.replace swaps the current history entry, so Back does not return to the reporting page.
(function () {
  if (window.__quickExit) return; // the script may be included more than once on a page
  window.__quickExit = true;
  function target() {
    var link = document.querySelector('[data-quick-exit-link]');
    return link ? link.href : 'about:blank';
  }
  var leaving = false;
  function leave() {
    // Panicked people press again: a second call would find the page already emptied and go to
    // about:blank instead of the neutral site.
    if (leaving) return;
    leaving = true;
    var url = target();
    document.title = '';
    if (document.body) document.body.replaceChildren();
    window.location.replace(url);
  }
  document.addEventListener('click', function (e) {
    var el = e.target instanceof Element ? e.target.closest('[data-quick-exit-link]') : null;
    if (!el || e.button !== 0 || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    leave();
  });
  var presses = 0;
  var timer = 0;
  document.addEventListener('keydown', function (e) {
    if (e.isComposing) return; // a Chinese input method is composing: its keys are not ours
    if (e.key !== 'Shift') {
      presses = 0;
      return;
    }
    if (e.repeat) return;
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 1000);
    if (presses >= 3) leave();
  });
  function showHints() {
    var hints = document.querySelectorAll('[data-quick-exit-hint]');
    for (var i = 0; i < hints.length; i++) hints[i].hidden = false;
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', showHints);
  else showHints();
  window.__showQuickExitHints = showHints;
})();
