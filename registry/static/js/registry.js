// Progressive help for the forms; every page works without it (the server checks all).
// Loaded as a file because the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  // A grouped select (sub-type by building type, level by kind) offers only the group
  // that matches the select it follows.
  function followGroups(select) {
    var leader = document.getElementById(select.dataset.follows);
    if (!leader) { return; }
    function update() {
      var groups = select.querySelectorAll("optgroup[data-group]");
      var any = false;
      groups.forEach(function (group) {
        var match = group.dataset.group === leader.value;
        group.hidden = !match;
        group.disabled = !match;
        any = any || match;
      });
      var chosen = select.options[select.selectedIndex];
      if (chosen && chosen.parentElement.tagName === "OPTGROUP" && chosen.parentElement.disabled) {
        select.value = "";
      }
      select.closest(".field").hidden = !any && select.dataset.follows === "building_type";
    }
    leader.addEventListener("change", update);
    update();
  }

  // Fields that apply only to one record kind.
  function kindSections(kind) {
    function update() {
      document.querySelectorAll("[data-shown-for-kind]").forEach(function (section) {
        section.hidden = section.dataset.shownForKind !== kind.value;
      });
    }
    kind.addEventListener("change", update);
    update();
  }

  // The assembly rate only means something for a prefabricated building.
  function needsCheckbox(input) {
    var box = document.getElementById(input.dataset.needs);
    if (!box) { return; }
    function update() { input.disabled = !box.checked; }
    box.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-follows]").forEach(followGroups);
    var kind = document.querySelector("select#kind[required]");
    if (kind) { kindSections(kind); }
    document.querySelectorAll("input[data-needs]").forEach(needsCheckbox);
  });
})();
