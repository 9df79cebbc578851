// The compose box's live counter: characters left under the 140-character rule, counted exactly
// as the server counts (posts/text.py). The patterns come from the server in data- attributes of
// the form, so there is one definition of what a URL and what whitespace is.
(function () {
  "use strict";

  function rule(form) {
    if (!form._postRule) {
      var space = form.dataset.spaceChars;
      form._postRule = {
        max: parseInt(form.dataset.maxLength, 10),
        maxStored: parseInt(form.dataset.maxStoredLength, 10),
        urlWeight: parseInt(form.dataset.urlWeight, 10),
        url: new RegExp(form.dataset.urlPattern, "gu"),
        trim: new RegExp("^[" + space + "]+|[" + space + "]+$", "gu"),
      };
    }
    return form._postRule;
  }

  function normalize(form, text) {
    return text.replace(/\r\n?/g, "\n").normalize("NFC").replace(rule(form).trim, "");
  }

  // Code points, with every URL counting urlWeight: posts.text.weighted_length.
  function postLength(form, text) {
    var r = rule(form);
    var urls = text.match(r.url) || [];
    var rest = text.replace(r.url, "");
    return Array.from(rest).length + urls.length * r.urlWeight;
  }

  function update(form) {
    var textarea = form.querySelector("[data-compose-text]");
    var counter = form.querySelector("[data-compose-counter]");
    var remaining = form.querySelector("[data-compose-remaining]");
    var button = form.querySelector("[data-compose-submit]");
    if (!textarea || !counter || !button) return;
    var text = normalize(form, textarea.value);
    var length = postLength(form, text);
    var left = rule(form).max - length;
    // Links count 23, but the server also caps the stored text (posts.text.MAX_STORED_LENGTH).
    var storable = Array.from(text).length <= rule(form).maxStored;
    remaining.textContent = String(left);
    counter.classList.toggle("is-over", left < 0);
    counter.classList.toggle("is-near", left >= 0 && left < 20);
    // A post may be media alone: pictures or a sound clip already uploaded with the form.
    var media = form.querySelector("input[name=attachment]") !== null;
    button.disabled = (length === 0 && !media) || left < 0 || !storable;
  }

  function init(root) {
    var forms = root.querySelectorAll ? root.querySelectorAll("form[data-compose]") : [];
    Array.prototype.forEach.call(forms, update);
    if (root.matches && root.matches("form[data-compose]")) update(root);
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-compose]");
    if (form && event.target.matches("[data-compose-text]")) update(form);
  });
  // Forms that htmx swaps in (a fresh box after posting, a box with an error) start counted too.
  document.addEventListener("htmx:load", function (event) {
    init(event.target);
  });
  // htmx re-enables the button after a request; keep it disabled if the text is still refused.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("form[data-compose]");
    if (form && document.contains(form)) update(form);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  } else {
    init(document);
  }
})();
