// The file chosen for the next send, shown above the text box (a picture as a preview).

import { $, setError, show } from '../dom.js';
import { formatSize } from '../format.js';
import { state } from '../state.js';

/** The message type the server will give a file: what the bubble shows meanwhile. */
export function fileType(file) {
  if (/^image\/(png|jpeg|gif|webp)$/.test(file.type)) return 'image';
  if (file.type.startsWith('video/')) return 'video';
  if (file.type.startsWith('audio/')) return 'audio';
  return 'document';
}

/** The largest file the page sends (the backend refuses larger bodies). */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** A file was chosen: shown above the text box (a picture as a preview), sent with the next send. */
export function attachFile() {
  const input = $('file-input');
  const file = input.files && input.files[0];
  if (!file) return;
  if (file.size > MAX_FILE_BYTES) {
    setError($('send-error'), `${file.name} is ${formatSize(file.size)}; files up to ${formatSize(MAX_FILE_BYTES)} can be sent.`);
    input.value = '';
    return;
  }
  setError($('send-error'), '');
  const attachment = { file, preview: null };
  state.attachment = attachment;
  $('attachment-name').textContent = file.name;
  $('attachment-size').textContent = formatSize(file.size);
  const img = $('attachment-preview');
  img.removeAttribute('src');
  show(img, false);
  show($('attachment'), true);
  $('message-input').placeholder = 'Caption (optional); Enter sends the file';
  if (fileType(file) === 'image') {
    // a data: URL, since the page's policy allows no blob: images
    const reader = new FileReader();
    reader.onload = () => {
      if (state.attachment !== attachment || typeof reader.result !== 'string') return;
      attachment.preview = reader.result;
      img.src = reader.result;
      img.alt = `Preview of ${file.name}`;
      show(img, true);
    };
    reader.readAsDataURL(file);
  }
  $('message-input').focus();
}

/** Forgets the chosen file. */
export function clearAttachment() {
  state.attachment = null;
  $('file-input').value = '';
  show($('attachment'), false);
  $('attachment-preview').removeAttribute('src');
  $('message-input').placeholder = 'Message (Enter sends, Shift+Enter new line)';
}
