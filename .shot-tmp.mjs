import { chromium } from '@playwright/test';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const p = await b.newPage({ viewport: { width: 1280, height: 800 } });
for (const f of ['tests/fixtures/linkedin/overlay-bubbles.html','tests/fixtures/linkedin/interop-outlet.html','server/demo/messaging.html','tests/fixtures/linkedin/recruiter-inmail.html']) {
  await p.goto('file:///work/main/' + f); await p.waitForTimeout(200);
  await p.screenshot({ path: '/tmp/' + f.split('/').pop() + '.png' });
}
await b.close();
