/* Accessibility fixes the theme and MathJax leave to the page (see book/conf.py).
 *
 * A formula in a table cell may scroll sideways (segcourse.css). Once MathJax
 * has typeset the page: a formula that does scroll becomes focusable, so that
 * keyboard users can scroll it too (WCAG 2.1.1); one that fits loses its
 * scroll box, which only cut off the tops of tall fractions.
 */
(function () {
  function fixScrollBoxes() {
    document.querySelectorAll('.bd-article mjx-container').forEach(function (box) {
      var style = window.getComputedStyle(box);
      if (!/(auto|scroll)/.test(style.overflowX + style.overflowY)) return;
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute('tabindex', '0');
      } else {
        box.style.overflow = 'visible';
      }
    });
  }
  function whenTypeset() {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(fixScrollBoxes);
    } else {
      fixScrollBoxes();
    }
  }
  if (document.readyState === 'complete') whenTypeset();
  else window.addEventListener('load', whenTypeset);
})();
