// 适老化 reading preferences: text size and contrast, kept in this browser only (localStorage,
// never sent anywhere). Loaded as a blocking script in <head> so the page never flashes small text.
(function () {
  var root = document.documentElement;
  var TEXT = ['standard', 'large', 'xlarge'];
  function read(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function write(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: apply for this page only */ }
  }
  function apply(text, contrast) {
    root.setAttribute('data-text', TEXT.indexOf(text) >= 0 ? text : 'standard');
    root.setAttribute('data-contrast', contrast === 'high' ? 'high' : 'normal');
  }
  apply(read('sh-text'), read('sh-contrast'));
  // Set before the first paint, so JS-only and no-JS parts are laid out once (no layout shift).
  root.setAttribute('data-js', '');

  function sync() {
    var text = root.getAttribute('data-text');
    var high = root.getAttribute('data-contrast') === 'high';
    document.querySelectorAll('[data-pref-text]').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-pref-text') === text));
    });
    document.querySelectorAll('[data-pref-contrast]').forEach(function (b) {
      b.setAttribute('aria-pressed', String(high));
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-reading-controls]').forEach(function (el) { el.hidden = false; });
    document.querySelectorAll('[data-no-js-hint]').forEach(function (el) { el.hidden = true; });
    document.addEventListener('click', function (event) {
      var target = event.target instanceof Element ? event.target.closest('[data-pref-text],[data-pref-contrast]') : null;
      if (!target) return;
      var text = target.getAttribute('data-pref-text');
      if (text) {
        write('sh-text', text);
        apply(text, root.getAttribute('data-contrast') === 'high' ? 'high' : 'normal');
      } else {
        var next = root.getAttribute('data-contrast') === 'high' ? 'normal' : 'high';
        write('sh-contrast', next);
        apply(root.getAttribute('data-text'), next);
      }
      sync();
    });
    sync();

    // Print buttons: shown only where printing works.
    document.querySelectorAll('[data-print]').forEach(function (b) {
      if (typeof window.print !== 'function') return;
      b.hidden = false;
      b.addEventListener('click', function () { window.print(); });
    });

    // 朗读: shown only when the browser has a Chinese voice; the player loads on first use.
    var readButtons = document.querySelectorAll('[data-read-aloud]');
    if (readButtons.length && 'speechSynthesis' in window) {
      var reveal = function () {
        var voices = window.speechSynthesis.getVoices();
        var zh = voices.some(function (v) { return /^zh(-|_|$)/i.test(v.lang) || /^cmn/i.test(v.lang); });
        readButtons.forEach(function (b) { b.hidden = !zh; });
      };
      reveal();
      window.speechSynthesis.addEventListener('voiceschanged', reveal);
      readButtons.forEach(function (b) {
        b.addEventListener('click', function () {
          import('/scripts/read-aloud.js').then(function (m) { m.toggle(b); });
        });
      });
    }
  });
})();
