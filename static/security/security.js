// Security keys and passkeys: django-otp-webauthn's scripts run the ceremonies and announce the
// outcome; a registered key shows in the list once the settings page reloads (with the recovery
// codes, for a first key). Signing in with a key navigates by itself.
(function () {
  "use strict";
  document.addEventListener("otp_webauthn.register_complete", function () {
    window.location.reload();
  });
})();
