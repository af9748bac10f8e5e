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

    // 朗读: the button shows when the browser can speak Chinese; otherwise a short note says why not.
    var readButtons = document.querySelectorAll('[data-read-aloud]');
    var explain = function (text) {
      readButtons.forEach(function (b) {
        b.hidden = true;
        var note = b.parentNode.querySelector('[data-read-aloud-note]');
        if (!note) {
          note = document.createElement('p');
          note.className = 'read-aloud-note';
          note.setAttribute('data-read-aloud-note', '');
          b.parentNode.appendChild(note);
        }
        note.textContent = text;
      });
    };
    if (readButtons.length && !('speechSynthesis' in window)) {
      explain('朗读暂时用不了：这个浏览器不支持语音朗读。可以换用手机自带的浏览器，或使用手机的"屏幕朗读"功能。');
    } else if (readButtons.length) {
      var hasZh = function () {
        return window.speechSynthesis.getVoices().some(function (v) { return /^zh(-|_|$)/i.test(v.lang) || /^cmn/i.test(v.lang); });
      };
      var reveal = function () {
        if (!hasZh()) return false;
        readButtons.forEach(function (b) {
          b.hidden = false;
          var note = b.parentNode.querySelector('[data-read-aloud-note]');
          if (note) note.remove();
        });
        return true;
      };
      // Voices load late in some browsers: decide only after they had a moment to arrive.
      if (!reveal()) {
        window.speechSynthesis.addEventListener('voiceschanged', reveal);
        setTimeout(function () {
          if (!reveal()) explain('朗读暂时用不了：这台手机或电脑没有安装中文（普通话）语音。在系统设置的"语言"或"文字转语音"里添加中文语音后，刷新本页就能朗读。');
        }, 1500);
      }
      readButtons.forEach(function (b) {
        b.addEventListener('click', function () {
          import('/scripts/read-aloud.js').then(function (m) { m.toggle(b); });
        });
      });
    }

    // Header menus (字号, 菜单): one open at a time; Esc or a tap elsewhere closes them.
    var menus = document.querySelectorAll('[data-header-menu]');
    menus.forEach(function (m) {
      m.addEventListener('toggle', function () {
        if (m.open) menus.forEach(function (o) { if (o !== m) o.open = false; });
      });
    });
    document.addEventListener('keydown', function (event) {
      if (event.key !== 'Escape') return;
      menus.forEach(function (m) {
        if (m.open) { m.open = false; m.querySelector('summary').focus(); }
      });
    });
    document.addEventListener('click', function (event) {
      menus.forEach(function (m) { if (m.open && !m.contains(event.target)) m.open = false; });
    });

    // Search filters apply as soon as one is chosen (the 按条件搜索 button does the same without JavaScript).
    document.querySelectorAll('select[data-filter]').forEach(function (s) {
      s.addEventListener('change', function () {
        if (s.form && s.form.requestSubmit) s.form.requestSubmit();
      });
    });
  });
})();
