// The PWA's messages: Vietnamese first, English second, chosen from <html lang>.
const CATALOG = {
  vi: {
    online: 'Có mạng',
    offline: 'Không có mạng',
    waiting: '{n} lượt đang chờ gửi',
    lastSync: 'Gửi lần cuối: {time}',
    neverSynced: 'Chưa gửi lần nào',
    syncNow: 'Gửi ngay',
    syncing: 'Đang gửi…',
    syncFailed: 'Chưa gửi được, sẽ thử lại sau.',
    signInAgain: 'Thiết bị cần đăng nhập lại để gửi dữ liệu. Dữ liệu chờ gửi vẫn được giữ nguyên.',
    signInLink: 'Đăng nhập lại',
    updateReady: 'Đã có phiên bản mới.',
    updateApply: 'Cập nhật',
    savedWaiting: 'Đã lưu trên máy. Lượt đi cơ sở sẽ được gửi khi có mạng.',
    locating: 'Đang xác định vị trí…',
    locationSet: 'Đã ghi vị trí (sai số khoảng {m} m).',
    locationFailed: 'Không xác định được vị trí. Có thể bỏ qua.',
    savedSent: 'Đã lưu và gửi lên máy chủ.',
    draftRestored: 'Đã khôi phục bản nháp chưa lưu.',
    discardDraft: 'Bỏ bản nháp',
    fixErrors: 'Vui lòng sửa các lỗi được đánh dấu.',
    required: 'Trường này là bắt buộc.',
    endBeforeStart: 'Ngày kết thúc không được trước ngày bắt đầu.',
    inFuture: 'Ngày không được ở tương lai.',
    notInteger: 'Vui lòng nhập một số nguyên không âm.',
    tooLong: 'Tối đa {max} ký tự.',
    tooMany: 'Số người tham gia quá lớn.',
    tripTooLong: 'Một lượt đi cơ sở kéo dài tối đa {n} ngày.',
    stateWaiting: 'Chưa gửi',
    stateInvalid: 'Cần sửa',
    stateConflict: 'Xung đột',
    stateLocked: 'Đã khóa',
    stateSubmitted: 'Đã gửi, chờ duyệt',
    stateApproved: 'Đã duyệt',
    stateReturned: 'Bị trả lại',
    reasonInvalid: 'Máy chủ không nhận: {errors}',
    reasonConflict: 'Lượt này đã được thay đổi ở nơi khác (phiên bản {version}).',
    reasonLocked: 'Lượt này đã được duyệt nên không sửa được nữa.',
    comment: 'Nhận xét: {text}',
    edit: 'Sửa',
    fix: 'Sửa lại',
    keepMine: 'Giữ bản của tôi',
    discardMine: 'Bỏ bản của tôi',
    noVisits: 'Chưa có lượt đi cơ sở nào.',
    days: '{n} ngày',
    unknownUnit: 'Đơn vị #{id}',
    storagePersisted: 'Dữ liệu được lưu bền vững: trình duyệt sẽ không tự xóa.',
    storageNotPersisted: 'Trình duyệt có thể xóa dữ liệu khi máy thiếu dung lượng. Hãy cài ứng dụng lên màn hình chính.',
    storageUsage: 'Đang dùng {used} / {quota}.',
    exported: 'Đã xuất {n} lượt.',
    imported: 'Đã nhập {added} lượt mới, bỏ qua {skipped} lượt trùng.',
    importFailed: 'Tệp không hợp lệ.',
    placementDay: 'Ngày {n}: {date}',
    logDay: 'Ghi ngày này',
    logged: 'Đã ghi',
    chooseUnit: 'Chọn đơn vị',
    field_unit_id: 'Đơn vị đến', field_start_date: 'Từ ngày', field_end_date: 'Đến ngày',
    field_form: 'Hình thức', field_topics: 'Chủ đề', field_summary: 'Nội dung',
    field_findings: 'Kết quả nắm bắt', field_recommendations: 'Kiến nghị',
    field_participants: 'Số người tham gia', field_placement_id: 'Đợt tập sự', field_id: 'Mã lượt',
    noPlacement: 'Không',
  },
  en: {
    online: 'Online',
    offline: 'Offline',
    waiting: '{n} waiting to be sent',
    lastSync: 'Last sent: {time}',
    neverSynced: 'Never sent yet',
    syncNow: 'Sync now',
    syncing: 'Sending…',
    syncFailed: 'Could not send yet; will try again.',
    signInAgain: 'This device must sign in again to send. Everything waiting is kept.',
    signInLink: 'Sign in again',
    updateReady: 'A new version is ready.',
    updateApply: 'Update',
    savedWaiting: 'Saved on this device. The visit will be sent when there is a network.',
    locating: 'Finding the location…',
    locationSet: 'Location recorded (within about {m} m).',
    locationFailed: 'Could not find the location. It can be left out.',
    savedSent: 'Saved and sent to the server.',
    draftRestored: 'An unsaved draft was restored.',
    discardDraft: 'Discard draft',
    fixErrors: 'Please fix the marked errors.',
    required: 'This field is required.',
    endBeforeStart: 'The end date cannot be before the start date.',
    inFuture: 'The date cannot be in the future.',
    notInteger: 'Enter a whole number, zero or more.',
    tooLong: 'At most {max} characters.',
    tooMany: 'Too many participants.',
    tripTooLong: 'A visit lasts at most {n} days.',
    stateWaiting: 'Not sent yet',
    stateInvalid: 'Needs fixing',
    stateConflict: 'Conflict',
    stateLocked: 'Locked',
    stateSubmitted: 'Sent, awaiting review',
    stateApproved: 'Approved',
    stateReturned: 'Returned',
    reasonInvalid: 'The server refused it: {errors}',
    reasonConflict: 'This visit was changed elsewhere (version {version}).',
    reasonLocked: 'This visit is approved and can no longer be changed.',
    comment: 'Comment: {text}',
    edit: 'Edit',
    fix: 'Fix',
    keepMine: 'Keep my version',
    discardMine: 'Discard my version',
    noVisits: 'No visits yet.',
    days: '{n} days',
    unknownUnit: 'Unit #{id}',
    storagePersisted: 'Storage is persistent: the browser will not clear it by itself.',
    storageNotPersisted: 'The browser may clear this data when space runs low. Install the app on your home screen.',
    storageUsage: 'Using {used} of {quota}.',
    exported: 'Exported {n} entries.',
    imported: 'Imported {added} new entries, skipped {skipped} duplicates.',
    importFailed: 'The file is not valid.',
    placementDay: 'Day {n}: {date}',
    logDay: 'Log this day',
    logged: 'Logged',
    chooseUnit: 'Choose a unit',
    field_unit_id: 'Unit visited', field_start_date: 'From', field_end_date: 'To',
    field_form: 'Form', field_topics: 'Topics', field_summary: 'What was done',
    field_findings: 'Findings', field_recommendations: 'Recommendations',
    field_participants: 'People taking part', field_placement_id: 'Placement', field_id: 'Visit id',
    noPlacement: 'None',
  },
};

export const lang = document.documentElement.lang === 'en' ? 'en' : 'vi';

export function t(key, params = {}) {
  const text = CATALOG[lang][key] ?? CATALOG.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

const pad = (n) => String(n).padStart(2, '0');

// dd/mm/yyyy, as Vietnamese documents write dates (from an ISO date or a Date).
export function dmy(value) {
  if (!value) return '';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-');
    return `${d}/${m}/${y}`;
  }
  const date = new Date(value);
  return `${pad(date.getDate())}/${pad(date.getMonth() + 1)}/${date.getFullYear()}`;
}

export function dmyTime(value) {
  if (!value) return '';
  const date = new Date(value);
  return `${dmy(date)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
