// The receipt's print button (a separate file: the page allows no inline scripts).
document.getElementById('print')?.addEventListener('click', () => window.print());
