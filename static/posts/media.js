// Pictures on posts: optional enhancements (pages work without JavaScript).
(function () {
  "use strict";

  // The average colour behind each picture while it loads. Set from JavaScript because the CSP
  // allows no inline style attributes.
  function paint(root) {
    root.querySelectorAll(".post-picture[data-colour]").forEach(function (link) {
      if (/^#[0-9a-f]{6}$/.test(link.dataset.colour)) link.style.backgroundColor = link.dataset.colour;
      link.removeAttribute("data-colour");
    });
  }

  // A lightbox htmx added to the page opens as a modal (focus moves into it, Escape closes it)
  // and is removed once closed, giving focus back to the picture that opened it.
  function open(root) {
    root.querySelectorAll("dialog[data-lightbox]:not([open])").forEach(function (dialog) {
      var opener = document.activeElement;
      dialog.addEventListener("close", function () {
        dialog.remove();
        if (opener && document.contains(opener)) opener.focus();
      });
      dialog.addEventListener("click", function (event) {
        if (event.target === dialog) dialog.close(); // a click beside the picture
      });
      dialog.showModal();
    });
  }

  document.addEventListener("DOMContentLoaded", function () { paint(document); });
  document.addEventListener("htmx:load", function (event) {
    paint(event.target);
    open(event.target.parentNode || document);
  });
})();
