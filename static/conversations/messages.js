// A conversation's page: a message can reach it twice when a poll and a sent message's answer
// cross (each brings what is new); the first copy stays, the second goes.
(function () {
  "use strict";
  function dropRepeats() {
    var list = document.getElementById("messages");
    if (!list) return;
    var seen = {};
    list.querySelectorAll("li.message").forEach(function (item) {
      if (seen[item.id]) {
        item.remove();
      } else {
        seen[item.id] = true;
      }
    });
  }
  document.addEventListener("htmx:oobAfterSwap", dropRepeats);
  document.addEventListener("htmx:afterSettle", dropRepeats);
})();
