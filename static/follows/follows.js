// Following and the home timeline. Optional: every page works without it.
(function () {
  "use strict";

  // Follow counts on the page follow the "followChanged" event sent with a follow button's answer.
  document.addEventListener("followChanged", function (event) {
    var detail = event.detail || {};
    document.querySelectorAll("[data-followers-count]").forEach(function (el) {
      if (el.dataset.followersCount === detail.username) el.textContent = detail.followers;
    });
    document.querySelectorAll("[data-followers-label]").forEach(function (el) {
      if (el.dataset.followersLabel === detail.username) {
        el.textContent = detail.followers === 1 ? "follower" : "followers";
      }
    });
    document.querySelectorAll("[data-following-count]").forEach(function (el) {
      if (el.dataset.followingCount === detail.viewer) el.textContent = detail.viewerFollowing;
    });
  });

  // The newest post in #timeline: posts the person just wrote (prepended by the compose box) or
  // inserted from the "new posts" bar are not counted as new again.
  function newestPostId() {
    var newest = 0;
    document.querySelectorAll("#timeline > [id^='post-']").forEach(function (el) {
      var id = parseInt(el.id.slice(5), 10);
      if (id > newest) newest = id;
    });
    return newest;
  }

  // The server's "after" (hx-vals) may be newer still: the newest stored entry, hidden or not.
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.hasAttribute("data-timeline-after")) return;
    var newest = newestPostId();
    var given = parseInt(event.detail.parameters.after || "0", 10) || 0;
    if (newest > given) event.detail.parameters.after = String(newest);
  });
})();
