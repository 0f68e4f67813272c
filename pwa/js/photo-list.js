// Drawing photos: thumbnails with their state in words, for the form and for "Các lượt của tôi".
import {el} from './dom.js';
import {dmyTime, t} from './i18n.js';

const STATE = {
  draft: 'photoDraft', waiting: 'photoWaiting', done: 'photoDone', refused: 'photoRefused',
  locked: 'photoLocked', server: 'photoDone', partial: 'photoPartial',
};

// The photo's state in words; a refusal carries the server's own message.
export function stateText(photo) {
  if (photo.state === 'waiting' && photo.offset > 0 && photo.size) {
    return t('photoSending', {percent: Math.floor((100 * photo.offset) / photo.size)});
  }
  const text = t(STATE[photo.state] || photo.state);
  if ((photo.state === 'refused' || photo.state === 'locked') && photo.error?.message) {
    return `${text}: ${photo.error.message}`;
  }
  return text;
}

// A one-line summary of a visit's photos ("3 ảnh: 1 đã gửi, 2 chờ gửi").
export function summary(photos) {
  const counts = new Map();
  for (const photo of photos) {
    const key = photo.state === 'server' ? 'done' : photo.state;
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  const parts = [...counts].map(([state, n]) => `${n} ${t(STATE[state] || state).toLocaleLowerCase()}`);
  return `${t('photoCount', {n: photos.length})}: ${parts.join(', ')}`;
}

// The caption can change until the server has heard of the photo (a declared photo keeps its own).
const captionable = (photo) => photo.state === 'draft' || (photo.state === 'waiting' && !photo.declared);

function captionField(photo, n, {onCaption, maxCaption}) {
  const id = `caption-${photo.id}`;
  const input = el('input', {type: 'text', id, value: photo.caption || '', maxLength: maxCaption,
    className: 'photo-caption', autocomplete: 'off', placeholder: t('photoCaptionHint')});
  input.addEventListener('change', () => onCaption(photo, input.value.trim()));
  return el('label', {htmlFor: id, className: 'photo-caption-label'}, t('photoCaption', {n}), input);
}

/* <ul> of photos. Each item: the thumbnail (local data: URL, or the server's thumbnail URL for a
 * photo only the server has), its state, and in the form a caption and a remove button. */
export function photoList(photos, {onRemove = null, onCaption = null, maxCaption = 500, small = false} = {}) {
  return el('ul', {className: `photo-list${small ? ' photo-list-small' : ''}`}, ...photos.map((photo, i) => {
    const alt = t('photoAlt', {n: i + 1, time: dmyTime(photo.taken_at)});
    const src = photo.thumbnail || photo.thumbnail_url;
    const item = el('li', {}, src ? el('img', {src, alt, decoding: 'async', loading: 'lazy',
      width: small ? 48 : 96, height: small ? 48 : 96}) : el('span', {className: 'photo-none', textContent: alt}));
    item.dataset.photoId = photo.id;
    item.dataset.state = photo.state;
    if (small) return item;
    const meta = el('div', {className: 'photo-meta'});
    if (onCaption && captionable(photo)) meta.append(captionField(photo, i + 1, {onCaption, maxCaption}));
    else if (photo.caption) meta.append(el('span', {className: 'photo-caption-text', textContent: photo.caption}));
    meta.append(el('span', {className: `photo-state photo-${photo.state}`, textContent: stateText(photo)}));
    if (onRemove && photo.state !== 'server' && photo.state !== 'partial') {
      const button = el('button', {type: 'button', className: 'link photo-remove', textContent: t('photoRemove')});
      button.setAttribute('aria-label', t('photoRemoveLabel', {n: i + 1}));
      button.addEventListener('click', () => onRemove(photo));
      meta.append(button);
    }
    item.append(meta);
    return item;
  }));
}
