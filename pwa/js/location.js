// The visit's optional location, from the device (GPS works without a network).
import {t} from './i18n.js';

// Show a location (or none) in the form's hidden field and its status line.
export function show(form, location) {
  form.elements.namedItem('location').value = location ? JSON.stringify(location) : '';
  document.getElementById('location-state').textContent = location
    ? t('locationSet', {m: Math.round(location.accuracy_m ?? 0)}) : '';
}

// After the form was filled from a saved copy: say what the hidden field now holds.
export function refresh(form) {
  const value = form.elements.namedItem('location')?.value;
  show(form, value ? JSON.parse(value) : null);
}

export function setUp(form, onChange) {
  if (!navigator.geolocation) return;
  document.getElementById('location-field').hidden = false;
  const state = document.getElementById('location-state');
  document.getElementById('locate').addEventListener('click', () => {
    state.textContent = t('locating');
    navigator.geolocation.getCurrentPosition((position) => {
      const {latitude, longitude, accuracy} = position.coords;
      show(form, {lat: latitude, lon: longitude, accuracy_m: Math.round(accuracy)});
      onChange();
    }, () => {
      state.textContent = t('locationFailed');
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
  });
}
