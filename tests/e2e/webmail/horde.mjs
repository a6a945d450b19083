// Playwright helpers for Horde 5 / IMP 6 (dynamic view) in the loopback stack of
// tests/webmail/with-webmail.sh ($TESSERA_HORDE_URL). The DOM facts they rely on are
// in tests/webmail/README.md ("Horde"). Each helper throws with what it saw when Horde
// did not do what was asked.
//
//   const { body } = await hordeOpenCompose(page, url, { html: true });
//   await hordeFillHeaders(page, { to: 'bob@example.test', subject: 'Hi' });
//   await body.click(); await page.keyboard.type('text');
//   await hordeSend(page);

const SECURE_JSON = /^\/\*-secure-([\s\S]*)\*\/\s*$/;

// Horde's AJAX answers are JSON wrapped in /*-secure- ... */.
async function ajaxAnswer(response) {
  const text = await response.text();
  const m = SECURE_JSON.exec(text.trim());
  try {
    return JSON.parse(m ? m[1] : text);
  } catch {
    throw new Error(`Horde: ${response.url()} answered ${response.status()} with no JSON: ${text.slice(0, 300)}`);
  }
}

function messagesOf(answer) {
  return (answer.msgs || []).map((m) => ({ type: m.type, message: m.message }));
}

// IMP names mailboxes in URLs by their base64url name without padding ("INBOX" → "SU5CT1g").
export function hordeMailboxId(mailbox) {
  return Buffer.from(mailbox, 'utf8').toString('base64url');
}

// Logs in through login.php in the dynamic view; resolves on the mailbox page with its
// message list loaded. Throws on a refused login (Horde stays on login.php).
export async function hordeLogin(page, baseUrl, user, password) {
  await page.goto(new URL('login.php', baseUrl).href);
  await page.fill('#horde_user', user);
  await page.fill('#horde_pass', password);
  // "auto" would pick the dynamic view for these browsers too; say it.
  await page.evaluate(() => {
    const select = document.getElementById('horde_select_view');
    if (select) select.value = 'dynamic';
  });
  await Promise.all([page.waitForNavigation(), page.click('#login-button')]);
  if (new URL(page.url()).pathname.endsWith('/login.php')) {
    const notice = await page.locator('.noticetext').allTextContents();
    throw new Error(`Horde refused the login of ${user}: ${notice.join(' ') || '(no notice)'}`);
  }
  await page.waitForFunction(() => window.DimpBase && DimpBase.viewport && DimpBase.view, null, {
    timeout: 15000,
  });
}

// Opens IMP's compose page in this tab (in Horde's UI, "New Message" opens the same URL in a
// popup window) and puts it in plain-text or HTML (CKEditor) mode with Horde's own
// "HTML composition" checkbox. Returns { html, body } where body is a locator of what the
// user types into: textarea#composeMessage, or the <body> of CKEditor's iframe.
export async function hordeOpenCompose(page, baseUrl, { html = false } = {}) {
  await page.goto(new URL('imp/dynamic.php?page=compose', baseUrl).href);
  // hash_msgOrig is set at the end of IMP's compose set-up (DimpCompose.fillFormHash).
  await page.waitForFunction(
    () => window.DimpCompose && document.getElementById('compose') && DimpCompose.hash_msgOrig !== undefined,
    null,
    { timeout: 15000 },
  );
  const editorReady = () =>
    page.waitForFunction(
      (want) =>
        want
          ? ImpComposeBase.editor_on && DimpCompose.rte && !DimpCompose.rte.busy()
          : !ImpComposeBase.editor_on && document.getElementById('composeMessage').offsetParent !== null,
      html,
      { timeout: 15000 },
    );
  const isHtml = await page.$eval('#html', (e) => e.value === '1');
  if (isHtml && html) {
    await editorReady(); // compose_html pref: CKEditor starts with the page
  } else if (isHtml !== html) {
    // HTML → plain asks window.confirm ("Discard all text formatting information...?").
    const accept = (dialog) => dialog.accept();
    page.once('dialog', accept);
    try {
      // IMP listens to mouseup on the checkbox's <label>; a click delivers it.
      await page.click('#htmlcheckbox');
      await editorReady();
    } finally {
      page.off('dialog', accept);
    }
  }
  const body = html
    ? page.frameLocator('#cke_contents_composeMessage iframe').locator('body')
    : page.locator('textarea#composeMessage');
  return { html, body };
}

// Fills To/Cc/Bcc (plain <textarea>s here: IMP's address "chips" need an address book
// app, which the stack does not install) and Subject. A value may be a string or an array
// of addresses. Cc/Bcc rows are opened with "Add Cc"/"Add Bcc" when needed.
export async function hordeFillHeaders(page, { to, cc, bcc, subject } = {}) {
  const list = (v) => (Array.isArray(v) ? v.join(', ') : v);
  if (to !== undefined) await page.fill('textarea#to', list(to));
  for (const [field, value] of [
    ['cc', cc],
    ['bcc', bcc],
  ]) {
    if (value === undefined) continue;
    if (!(await page.locator(`textarea#${field}`).isVisible())) await page.click(`#toggle${field}`);
    await page.fill(`textarea#${field}`, list(value));
  }
  if (subject !== undefined) await page.fill('input#subject', subject);
}

// Clicks Send (a#send_button) and waits for IMP's sendMessage answer. Resolves with
// { messages } (e.g. [{type: 'horde.success', message: 'Message "S" sent successfully.'}]);
// throws if IMP did not send. The compose page then shows "Compose action completed. You
// may now safely close this window." (in a popup, IMP closes the window instead).
export async function hordeSend(page) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/services/ajax.php/imp/sendMessage'), { timeout: 30000 }),
    page.click('#send_button'),
  ]);
  const answer = await ajaxAnswer(response);
  const messages = messagesOf(answer);
  if (!answer.response || answer.response.success !== 1) {
    throw new Error(`Horde did not send the message: ${JSON.stringify(messages)}`);
  }
  return { messages };
}

// Clicks "Save as Draft" (a#draft_button) and waits for IMP's saveDraft answer; resolves
// with { messages } ('The draft has been saved to the "Drafts" mailbox.', also shown in a
// .GrowlerNotice at the bottom right). The stack sets close_draft = 0, so compose stays open.
export async function hordeSaveDraft(page) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/services/ajax.php/imp/saveDraft'), { timeout: 30000 }),
    page.click('#draft_button'),
  ]);
  const answer = await ajaxAnswer(response);
  const messages = messagesOf(answer);
  // Saved: IMP answers {response: {action: 'saveDraft', success: 1}} and a 'horde.message'.
  if (!answer.response || answer.response.success !== 1 || messages.some((m) => m.type === 'horde.error')) {
    throw new Error(`Horde did not save the draft: ${JSON.stringify(answer).slice(0, 500)}`);
  }
  return { messages };
}

// Opens the message with this exact Subject in the mailbox's preview pane (dynamic view),
// refreshing the list until it is there (timeoutMs). Returns { body, htmlFrame }: body is
// div#messageBody; htmlFrame is a frame locator of the first HTML part's iframe
// (iframe.htmlMsgData, only for a message shown as HTML).
export async function hordeOpenMessage(page, baseUrl, subject, { mailbox = 'INBOX', timeoutMs = 15000 } = {}) {
  const mbox = hordeMailboxId(mailbox);
  const url = new URL(`imp/dynamic.php?page=mailbox#mbox:${mbox}`, baseUrl).href;
  if (page.url() !== url) {
    await page.goto(url);
  }
  await page.waitForFunction((m) => window.DimpBase && DimpBase.viewport && DimpBase.view === m, mbox, {
    timeout: 15000,
  });
  const exact = new RegExp(`^${subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = page.locator('.vpRow .msgSubject', { hasText: exact });
  const deadline = Date.now() + timeoutMs;
  while (!(await row.count())) {
    if (Date.now() > deadline) throw new Error(`Horde: no message "${subject}" in ${mailbox}`);
    await page.click('#checkmaillink'); // "Refresh"
    await page.waitForTimeout(500);
  }
  await row.first().click();
  await page.waitForFunction(
    (s) => {
      const shown = document.querySelector('#previewMsg .subject');
      const body = document.getElementById('messageBody');
      return shown && shown.textContent === s && body && body.offsetParent !== null;
    },
    subject,
    { timeout: 15000 },
  );
  return {
    body: page.locator('#messageBody'),
    htmlFrame: page.frameLocator('#messageBody iframe.htmlMsgData').first(),
  };
}

// Fires IMP's draft autosave at once, from the page's world (what its PeriodicalExecuter does
// every auto_save_drafts minutes), and waits for IMP's autoSaveDraft answer: { messages }
// ("Draft automatically saved."). Throws unless IMP saved it.
export async function hordeAutoSaveDraft(page) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/services/ajax.php/imp/autoSaveDraft'), { timeout: 30000 }),
    page.evaluate(() => DimpCompose.uniqueSubmit('autoSaveDraft')),
  ]);
  const answer = await ajaxAnswer(response);
  const messages = messagesOf(answer);
  if (!answer.response || answer.response.success !== 1 || messages.some((m) => m.type === 'horde.error')) {
    throw new Error(`Horde did not autosave the draft: ${JSON.stringify(answer).slice(0, 500)}`);
  }
  return { messages };
}

// What IMP would post as the body now: the textarea's value in plain mode, CKEditor's
// getData() (HTML) in HTML mode.
export async function hordeBodyData(page) {
  return page.evaluate(() =>
    window.ImpComposeBase && ImpComposeBase.editor_on && window.CKEDITOR && CKEDITOR.instances.composeMessage
      ? CKEDITOR.instances.composeMessage.getData()
      : document.getElementById('composeMessage').value,
  );
}
