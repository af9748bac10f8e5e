// 朗读 with the browser's own speech synthesis (zh-CN); nothing is sent to any third party.
// Reads paragraph by paragraph, because some browsers stop long utterances part way.
const synth = window.speechSynthesis;
let active = null;

function chineseVoice() {
  const voices = synth.getVoices();
  return voices.find((v) => /^zh-CN/i.test(v.lang)) || voices.find((v) => /^zh/i.test(v.lang) || /^cmn/i.test(v.lang)) || null;
}

function blocks(root) {
  return [...root.querySelectorAll('h2, h3, p, li, td')]
    .filter((el) => !el.closest('li') || el.tagName === 'LI')
    .map((el) => el.textContent.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

function setState(button, playing) {
  button.setAttribute('aria-pressed', String(playing));
  button.textContent = playing ? '停止朗读' : '朗读全文';
}

export function toggle(button) {
  if (active) {
    synth.cancel();
    setState(active, false);
    const wasSame = active === button;
    active = null;
    if (wasSame) return;
  }
  const root = document.querySelector(button.getAttribute('data-read-aloud'));
  if (!root) return;
  // Title and summary first, then the text.
  const article = root.closest('article') || document;
  const head = [article.querySelector('h1'), article.querySelector('.lead')]
    .filter(Boolean)
    .map((el) => el.textContent.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  const queue = [...head, ...blocks(root)];
  const voice = chineseVoice();
  active = button;
  setState(button, true);
  const next = () => {
    if (active !== button) return;
    const text = queue.shift();
    if (!text) {
      setState(button, false);
      active = null;
      return;
    }
    const u = new SpeechSynthesisUtterance(text);
    u.lang = 'zh-CN';
    try {
      if (voice) u.voice = voice;
    } catch {
      /* lang alone picks a Chinese voice */
    }
    u.rate = 0.9;
    u.onend = next;
    u.onerror = () => {
      setState(button, false);
      active = null;
    };
    synth.speak(u);
  };
  next();
}
