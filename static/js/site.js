// Small progressive enhancements. Everything here is optional: pages work without JavaScript.
(function () {
  "use strict";

  // ---- The small menu on post cards (<details class="post-menu">) ----
  // One open at a time; Escape or a click elsewhere closes it; choosing an item closes it too.
  function closeMenus(except) {
    document.querySelectorAll("details.post-menu[open]").forEach(function (menu) {
      if (menu !== except) menu.open = false;
    });
  }
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (menu.matches && menu.matches("details.post-menu") && menu.open) closeMenus(menu);
  }, true);
  document.addEventListener("click", function (event) {
    var menu = event.target.closest("details.post-menu");
    if (!menu) closeMenus(null);
    else if (event.target.closest(".post-menu-items a, .post-menu-items button")) {
      menu.open = false;
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = event.target.closest && event.target.closest("details.post-menu[open]");
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });

  // ---- Feeds: role="feed" only while a feed holds posts ----
  // A feed must own articles and axe fails an empty one, so the server leaves the role and name
  // off an empty feed (posts/partials/feed.html). They follow what is added (the compose box
  // and the new-posts bar put cards in an empty #timeline) or deleted later.
  function syncFeed(feed) {
    var hasPosts = feed.querySelector(":scope > article") !== null;
    if (hasPosts === feed.hasAttribute("role")) return;
    if (hasPosts) {
      feed.setAttribute("role", "feed");
      if (feed.dataset.feedLabelledby) {
        feed.setAttribute("aria-labelledby", feed.dataset.feedLabelledby);
      } else {
        feed.setAttribute("aria-label", feed.dataset.feedLabel);
      }
    } else {
      feed.removeAttribute("role");
      feed.removeAttribute("aria-labelledby");
      feed.removeAttribute("aria-label");
    }
  }
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      if (record.target.matches && record.target.matches("[data-feed]")) syncFeed(record.target);
    });
  }).observe(document.body, { childList: true, subtree: true });

  // ---- Focus stays where the person was when htmx replaces what they used ----
  // htmx keeps focus only on elements with an id; a like button, a sent compose box or a "Load
  // more" link is replaced by new markup, and focus would fall back to the top of the page.
  //
  // What to focus once a request's answer has settled, by request (other requests, such as the
  // timeline's poller, may settle in between).
  var pending = new WeakMap();

  function indexIn(parent, child) {
    return Array.prototype.indexOf.call(parent.children, child);
  }

  function focusQuietly(el) {
    if (!el) return;
    if (!el.matches("a, button, input, textarea, select, summary, [tabindex]")) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus({ preventScroll: el.getBoundingClientRect().top >= 0 });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var active = document.activeElement;
    var hadFocus = active && active !== document.body && elt.contains(active);
    var p = null;
    if (elt.matches(".toggle-form") && hadFocus) {
      // a like or repost toggle: the new form takes the old one's place
      p = { kind: "toggle", parent: elt.parentNode, index: indexIn(elt.parentNode, elt) };
    } else if (elt.matches("form[data-compose]") && hadFocus) {
      // a compose box: after posting, a fresh box with the same ids replaces it
      p = { kind: "compose", textId: elt.id + "-text" };
    } else if (elt.matches(".new-posts-bar")) {
      // the new posts go on top of the timeline; the first of them gets focus
      var timeline = document.getElementById("timeline");
      p = { kind: "newer", timeline: timeline, before: timeline && timeline.firstElementChild };
    } else if (elt.closest("#feed-more")) {
      // a feed's "Load more": older posts go at the end of the feed (the request's target), which
      // is busy until they are in; if the control had focus, the first of them gets it
      var feed = event.detail.target;
      feed.setAttribute("aria-busy", "true");
      p = { kind: "feed", feed: feed, last: feed.lastElementChild, hadFocus: hadFocus };
    } else if (elt.closest(".load-more") && hadFocus) {
      // a list's "Load more": older entries go where the button was; the first of them gets focus
      var box = elt.closest(".load-more");
      p = { kind: "older", previous: box.previousElementSibling, parent: box.parentNode };
    }
    if (p) pending.set(event.detail.xhr, p);
  });

  // The cards are in (or the request failed) when it ends, before they settle: no longer busy.
  document.addEventListener("htmx:afterRequest", function (event) {
    var p = event.detail.xhr && pending.get(event.detail.xhr);
    if (p && p.kind === "feed") p.feed.removeAttribute("aria-busy");
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var p = event.detail.xhr && pending.get(event.detail.xhr);
    if (!p) return;
    pending.delete(event.detail.xhr);
    if (p.kind === "toggle") {
      var form = p.parent.children[p.index];
      focusQuietly(form && form.querySelector("button"));
    } else if (p.kind === "compose") {
      focusQuietly(document.getElementById(p.textId));
    } else if (p.kind === "newer" && p.timeline) {
      var first = p.timeline.firstElementChild;
      if (first && first !== p.before) focusQuietly(first);
    } else if (p.kind === "feed" && p.hadFocus) {
      focusQuietly(p.last ? p.last.nextElementSibling : p.feed.firstElementChild);
    } else if (p.kind === "older") {
      var next = p.previous ? p.previous.nextElementSibling : p.parent.firstElementChild;
      if (next && next.matches(".post-card, .person-card")) focusQuietly(next);
    }
  });
})();
