// svcmode-lms: checks each group of a transfer number as it is typed and
// moves to the next group. The form works without this file: the server
// checks the number again and names a wrong group.
"use strict";
// Verhoeff's tables (J. Verhoeff, Error Detecting Decimal Codes, 1969).
const D = [[0,1,2,3,4,5,6,7,8,9],[1,2,3,4,0,6,7,8,9,5],[2,3,4,0,1,7,8,9,5,6],
  [3,4,0,1,2,8,9,5,6,7],[4,0,1,2,3,9,5,6,7,8],[5,9,8,7,6,0,4,3,2,1],
  [6,5,9,8,7,1,0,4,3,2],[7,6,5,9,8,2,1,0,4,3],[8,7,6,5,9,3,2,1,0,4],
  [9,8,7,6,5,4,3,2,1,0]];
const P = [[0,1,2,3,4,5,6,7,8,9],[1,5,7,6,2,8,3,0,9,4],[5,8,0,3,7,9,6,1,4,2],
  [8,9,1,6,0,4,3,5,2,7],[9,4,5,3,1,2,6,8,7,0],[4,2,8,6,5,7,3,9,0,1],
  [2,7,9,3,8,0,6,4,1,5],[7,0,4,6,9,1,3,2,5,8]];

// A group of four digits at position g (0-5): its check digit is computed
// with the position in front, so a group typed in the wrong place fails.
function groupOk(g, digits) {
  const seq = [g + 1].concat(digits.split("").map(Number));
  let c = 0;
  for (let i = 0; i < 5; i++) c = D[c][P[i % 8][seq[4 - i]]];
  return c === 0;
}

function check(input, g, inputs) {
  input.value = input.value.replace(/[^0-9]/g, "").slice(0, 4);
  const v = input.value;
  input.classList.toggle("bad", v.length === 4 && !groupOk(g, v));
  input.classList.toggle("good", v.length === 4 && groupOk(g, v));
  input.setCustomValidity(v.length === 4 && !groupOk(g, v) ?
    "group " + (g + 1) + " does not check: mistyped?" : "");
  const msg = document.getElementById("groupmsg");
  const bad = inputs.map((x, i) => x.classList.contains("bad") ? i + 1 : 0).filter(Boolean);
  if (msg) msg.textContent = bad.length ? "Group " + bad.join(", ") + " mistyped: read it again." : "";
  if (v.length === 4 && groupOk(g, v) && g + 1 < inputs.length) inputs[g + 1].focus();
}

document.addEventListener("DOMContentLoaded", () => {
  const inputs = Array.from(document.querySelectorAll(".groups input"));
  inputs.forEach((input, g) => {
    input.addEventListener("input", () => check(input, g, inputs));
    // A whole number pasted into one group fills them all.
    input.addEventListener("paste", (e) => {
      const text = (e.clipboardData.getData("text") || "").replace(/[^0-9]/g, "");
      if (text.length !== 24) return;
      e.preventDefault();
      inputs.forEach((x, i) => { x.value = text.slice(4 * i, 4 * i + 4); check(x, i, inputs); });
    });
  });
});
