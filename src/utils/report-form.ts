/**
 * The report form with JavaScript: one step at a time with checks before moving on, identity
 * fields only when "保密实名" is chosen, upload progress, and the receipt shown in the page.
 * Without JavaScript none of this runs and the form posts as plain HTML (the server checks everything).
 */

const MAX_FILES = 5;
const MAX_BYTES = 20 * 1024 * 1024;
const PHONE_RE = /^(?:1[3-9]\d{9}|0\d{2,3}\d{7,8})$/;

interface Problem {
  field: string;
  message: string;
}

interface AttachmentSummary {
  name: string;
  kind: 'image' | 'video' | 'pdf';
  type: string;
  size: number;
  removed: string[];
  /** False when the server removed a video's container metadata (api/services/reports/video-metadata.ts). */
  metadata_may_remain: boolean;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** Which step holds each API field, to jump to it when the server refuses one. */
const FIELD_STEP: Record<string, number> = {
  category: 0,
  sector: 0,
  township: 1,
  place: 1,
  description: 2,
  observed_at: 2,
  files: 2,
  identity_mode: 2,
  identity_name: 2,
  identity_phone: 2,
};

export function formatReceipt(code: string): string {
  return code.replace(/(\d{4})(?=\d)/g, '$1 ');
}

export function checkStep(form: HTMLFormElement, step: number): Problem[] {
  const problems: Problem[] = [];
  const value = (name: string) => {
    const el = form.elements.namedItem(name);
    return el && 'value' in el ? String((el as unknown as HTMLInputElement).value).trim() : '';
  };
  if (step === 0) {
    if (!form.querySelector('input[name="category"]:checked')) problems.push({ field: 'category', message: '请选择举报类别。' });
    if (!value('sector')) problems.push({ field: 'sector', message: '请选择行业领域；不确定就选“其他 / 不确定”。' });
  } else if (step === 1) {
    if (!value('township')) problems.push({ field: 'township', message: '请选择所在镇（街道）；不清楚可以选“不清楚 / 不便说明”。' });
    if ([...value('place')].length < 2) problems.push({ field: 'place', message: '请填写具体地点（至少 2 个字），例如单位名称、路名门牌或附近标志。' });
  } else {
    if ([...value('description')].length < 10) problems.push({ field: 'description', message: '请把看到的情况写清楚，至少 10 个字。' });
    const input = form.elements.namedItem('files') as HTMLInputElement | null;
    const files = input?.files ? [...input.files] : [];
    if (files.length > MAX_FILES) problems.push({ field: 'files', message: `附件最多 ${MAX_FILES} 个，现在选了 ${files.length} 个。` });
    for (const f of files) {
      if (f.size > MAX_BYTES) problems.push({ field: 'files', message: `附件“${f.name}”超过 20 MB，请压缩后再上传。` });
      else if (f.type && !/^(image|video)\/|^application\/pdf$/.test(f.type)) problems.push({ field: 'files', message: `附件“${f.name}”的格式不支持，只能上传照片、视频或 PDF。` });
    }
    const realName = (form.querySelector('input[name="identity_mode"]:checked') as HTMLInputElement | null)?.value === 'real_name';
    if (realName) {
      if (!value('identity_name')) problems.push({ field: 'identity_name', message: '选择了保密实名举报，请填写姓名。' });
      const phone = value('identity_phone').replace(/[\s\-－()（）]/g, '');
      if (!PHONE_RE.test(phone)) problems.push({ field: 'identity_phone', message: '请填写 11 位手机号，或带区号的固定电话（如 0531-12345678）。' });
    }
  }
  return problems;
}

export function setupReportForm(): void {
  const form = document.querySelector<HTMLFormElement>('[data-report-form]');
  if (!form) return;
  const steps = [...form.querySelectorAll<HTMLFieldSetElement>('[data-step]')];
  const stepItems = [...document.querySelectorAll<HTMLLIElement>('[data-steps] li')];
  const nav = form.querySelector<HTMLElement>('[data-step-nav]')!;
  const prev = form.querySelector<HTMLButtonElement>('[data-prev]')!;
  const next = form.querySelector<HTMLButtonElement>('[data-next]')!;
  const errorBox = document.querySelector<HTMLElement>('[data-form-error]')!;
  const identityFields = form.querySelector<HTMLElement>('[data-identity-fields]')!;
  const progress = form.querySelector<HTMLElement>('[data-progress]')!;
  const progressBar = progress.querySelector('progress')!;
  const progressText = progress.querySelector<HTMLElement>('[data-progress-text]')!;
  const submit = form.querySelector<HTMLButtonElement>('[data-submit]')!;
  let current = 0;

  form.noValidate = true;
  nav.hidden = false;

  const clearErrors = () => {
    errorBox.hidden = true;
    errorBox.replaceChildren();
    form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  };

  const showErrors = (problems: Problem[]) => {
    errorBox.replaceChildren();
    const title = document.createElement('p');
    title.textContent = '请先改正以下问题：';
    const list = document.createElement('ul');
    for (const p of problems) {
      const li = document.createElement('li');
      li.textContent = p.message;
      list.append(li);
      form.querySelectorAll(`[name="${p.field}"]`).forEach((el) => el.setAttribute('aria-invalid', 'true'));
    }
    errorBox.append(title, list);
    errorBox.hidden = false;
    errorBox.tabIndex = -1;
    errorBox.focus();
  };

  const show = (i: number, focus: boolean) => {
    current = i;
    steps.forEach((s, j) => (s.hidden = j !== i));
    stepItems.forEach((li, j) => {
      if (j === i) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
      li.classList.toggle('done', j < i);
    });
    prev.hidden = i === 0;
    next.hidden = i === steps.length - 1;
    if (focus) {
      steps[i]!.tabIndex = -1;
      steps[i]!.focus();
    }
  };

  const syncIdentity = () => {
    const realName = (form.querySelector('input[name="identity_mode"]:checked') as HTMLInputElement | null)?.value === 'real_name';
    identityFields.hidden = !realName;
  };
  form.querySelectorAll('input[name="identity_mode"]').forEach((r) => r.addEventListener('change', syncIdentity));
  syncIdentity();

  next.addEventListener('click', () => {
    const problems = checkStep(form, current);
    if (problems.length) return showErrors(problems);
    clearErrors();
    show(current + 1, true);
  });
  prev.addEventListener('click', () => {
    clearErrors();
    show(current - 1, true);
  });

  const showReceipt = (receipt: string, attachments: AttachmentSummary[]) => {
    const view = document.querySelector<HTMLElement>('[data-receipt-view]')!;
    view.querySelector('[data-receipt-code]')!.textContent = formatReceipt(receipt);
    const report = view.querySelector<HTMLElement>('[data-attachment-report]')!;
    if (attachments.length) {
      const h = document.createElement('h3');
      h.textContent = '附件处理情况';
      const ul = document.createElement('ul');
      ul.className = 'attachment-list';
      for (const a of attachments) {
        const li = document.createElement('li');
        const name = document.createElement('strong');
        name.textContent = a.name;
        const note = document.createElement('span');
        const cleanedVideo = a.kind === 'video' && !a.metadata_may_remain;
        note.className = a.kind === 'image' || cleanedVideo ? 'meta-removed' : 'meta-warn';
        note.textContent =
          a.kind === 'image'
            ? a.removed.length
              ? `已清除隐藏信息：${a.removed.join('、')}。`
              : '没有发现隐藏信息；图片已重新生成，不含任何附加信息。'
            : cleanedVideo
              ? '已清除视频文件附带的拍摄时间、拍摄位置、手机型号等信息；画面和声音没有改动，画面里拍到的东西仍然看得到。'
              : `提醒：${a.kind === 'pdf' ? 'PDF 文档' : '视频'}里可能仍带有作者、设备、拍摄位置等信息，本站无法可靠清除。`;
        const type = document.createElement('span');
        type.className = 'field-hint';
        type.textContent = `${a.type}，${sizeText(a.size)}`;
        li.append(name, ' ', type, note);
        ul.append(li);
      }
      report.replaceChildren(h, ul);
    }
    form.reset();
    form.hidden = true;
    document.querySelector<HTMLElement>('[data-steps]')!.hidden = true;
    document.getElementById('form-title')!.hidden = true;
    // The receipt replaces everything below the page title, so it is the first thing seen.
    document.querySelector<HTMLElement>('[data-report-intro]')!.hidden = true;
    view.hidden = false;
    window.scrollTo(0, 0);
    view.focus();
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    for (let i = 0; i < steps.length; i++) {
      const problems = checkStep(form, i);
      if (problems.length) {
        show(i, false);
        return showErrors(problems);
      }
    }
    clearErrors();
    const data = new FormData(form);
    if (data.get('identity_mode') !== 'real_name') {
      data.delete('identity_name');
      data.delete('identity_phone');
    }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.responseType = 'json';
    progress.hidden = false;
    submit.disabled = true;
    progressBar.value = 0;
    progressText.textContent = '正在上传……';
    xhr.upload.onprogress = (ev) => {
      if (!ev.lengthComputable) return;
      const pct = Math.round((ev.loaded / ev.total) * 100);
      progressBar.value = pct;
      progressText.textContent = pct < 100 ? `已上传 ${pct}%` : '上传完成，正在加密保存……';
    };
    const fail = (message: string, field?: string) => {
      progress.hidden = true;
      submit.disabled = false;
      if (field && field in FIELD_STEP) show(FIELD_STEP[field]!, false);
      showErrors([{ field: field ?? '', message }]);
    };
    xhr.onload = () => {
      const body = xhr.response as { receipt?: string; attachments?: AttachmentSummary[]; error?: { message: string; field?: string } } | null;
      if (xhr.status === 201 && body?.receipt) {
        progress.hidden = true;
        showReceipt(body.receipt, body.attachments ?? []);
      } else {
        fail(body?.error?.message ?? '举报没有提交成功，请稍后再试。', body?.error?.field);
      }
    };
    xhr.onerror = () => fail('网络中断，举报没有提交。请检查网络后再点“提交举报”。');
    xhr.send(data);
  });

  show(0, false);
}
