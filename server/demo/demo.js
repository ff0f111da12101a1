// Demo only: links stay on this page, and "sending" shows the message locally.
(function () {
  'use strict';
  document.addEventListener('click', function (event) {
    var link = event.target instanceof Element ? event.target.closest('a[href^="/demo/"]') : null;
    if (link && link.getAttribute('href') !== '/demo/messaging') event.preventDefault();
  });
  document.addEventListener('fixture:send', function (event) {
    var form = event.target;
    var container = form.parentElement;
    var list = container && container.querySelector('.msg-s-message-list');
    var editor = form.querySelector('[contenteditable="true"][role="textbox"]');
    if (!list || !editor || !event.detail) return;
    var item = document.createElement('li');
    item.className = 'msg-s-message-list__event';
    var body = document.createElement('p');
    body.className = 'msg-s-event-listitem__body msg-s-event-listitem--demo-sent';
    body.textContent = event.detail + ' (demo: not sent)';
    item.append(body);
    list.append(item);
    var paragraph = document.createElement('p');
    paragraph.append(document.createElement('br'));
    editor.replaceChildren(paragraph);
    editor.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'deleteContentBackward' }));
  });
})();
