// whatsapp-web.js pulls in puppeteer; its browser download cannot work offline. Debian's chromium is used.
module.exports = { skipDownload: true };
