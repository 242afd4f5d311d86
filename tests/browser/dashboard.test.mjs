// dashboard.test.mjs -- the dashboard (/pilotage) in headless Chromium, as the funder reads it.
//
//   node tests/browser/dashboard.test.mjs URL LOGIN PASSWORD OUTDIR
//
// URL is a running passnumd holding a year of data (test_dashboard.sh
// makes it), LOGIN a user of role funder. The funder logs in by typing
// into the labelled fields and lands on /pilotage; the year 2026 is
// asked through the form; at 375 and 1280 px wide the page scrolls
// sideways nowhere but inside its tables' .scroll regions, every table
// has a caption and scoped headers, no cell of people holds 1 to 4, and
// axe-core finds no WCAG 2.1 A/AA violation (in a second context that
// bypasses the CSP only to inject axe); a bad period shows the form with
// the error at its field, reachable from the alert. Prints TAP.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const [URL_, LOGIN, PASSWORD, OUTDIR] = process.argv.slice(2);
if (!URL_ || !LOGIN || !PASSWORD || !OUTDIR) {
	console.error('usage: node dashboard.test.mjs URL LOGIN PASSWORD OUTDIR');
	process.exit(2);
}
const BASE = URL_.replace(/\/$/, '');
mkdirSync(OUTDIR, { recursive: true });

let n = 0;
let failures = 0;
function ok(pass, desc, diag) {
	n++;
	console.log(`${pass ? 'ok' : 'not ok'} ${n} - ${desc}`);
	if (!pass) {
		failures++;
		for (const l of [].concat(diag ?? []))
			console.log(`#   ${l}`);
	}
	return pass;
}
const watchdog = setTimeout(() => {
	ok(false, 'the dashboard test finishes within 90 s');
	console.log(`1..${n}`);
	process.exit(1);
}, 90_000);

// No sideways scroll of the page; wide content only inside .scroll.
async function noSideScroll(page, label) {
	const m = await page.evaluate(() => ({
		scroll: document.documentElement.scrollWidth,
		inner: window.innerWidth,
		over: [...document.querySelectorAll('main *')]
		    .filter((e) => !e.closest('.scroll') &&
			e.scrollWidth > e.clientWidth + 1 &&
			getComputedStyle(e).overflowX !== 'visible')
		    .map((e) => e.tagName.toLowerCase()),
		// A chart's data table is for screen readers (hidden, its
		// figure clipping it); the page's own table follows it.
		outside: [...document.querySelectorAll('main table')]
		    .filter((t) => !t.parentElement.classList.contains('scroll') &&
			!t.classList.contains('chart-data'))
		    .length,
	}));
	const width = page.viewportSize().width;
	ok(m.scroll <= m.inner && m.inner <= width,
	    `${label}: no horizontal scrolling of the page at ${width} px`,
	    `scrollWidth ${m.scroll}, innerWidth ${m.inner}`);
	ok(m.outside === 0 && m.over.length === 0,
	    `${label}: every table sits in a .scroll region`,
	    `${m.outside} tables outside; ${m.over.join(', ')}`);
}

async function axe(page, label) {
	await page.addScriptTag({ path: AXE });
	const r = await page.evaluate(async (tags) => {
		const res = await window.axe.run(document, {
			runOnly: { type: 'tag', values: tags },
		});
		return {
			violations: res.violations.map((v) => `${v.id}: ${v.help} ` +
			    v.nodes.map((x) => x.target.join(' ')).join(', ')),
			passes: res.passes.length,
		};
	}, AXE_TAGS);
	writeFileSync(join(OUTDIR, `axe-${label.replace(/\W+/g, '-')}.json`),
	    JSON.stringify(r, null, 2));
	ok(r.passes > 0 && r.violations.length === 0,
	    `axe WCAG 2.1 A/AA: ${label}: no violations (${r.passes} rules pass)`,
	    r.violations);
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: ['--no-sandbox'],
	headless: true,
});
const device = {
	viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true,
	locale: 'fr-FR', timezoneId: 'Europe/Paris',
};
const context = await browser.newContext(device);
const page = await context.newPage();
page.setDefaultTimeout(10_000);
const axeContext = await browser.newContext({ ...device, bypassCSP: true });
const axePage = await axeContext.newPage();
axePage.setDefaultTimeout(10_000);
const errors = [];
context.on('console', (m) => {
	if (m.type() === 'error' && !/status of 400/.test(m.text()) &&
	    !/favicon/.test(m.location()?.url || ''))
		errors.push(m.text());
});

let step = 'login';
try {
	await page.goto(`${BASE}/connexion`);
	await page.getByLabel('Identifiant').pressSequentially(LOGIN);
	await page.getByLabel('Mot de passe').pressSequentially(PASSWORD);
	await page.getByLabel('Mot de passe').press('Enter');
	await page.waitForURL(/\/pilotage$/);
	ok(true, 'the funder logging in lands on /pilotage');
	const nav = await page.getByRole('navigation',
	    { name: 'Menu principal' }).textContent();
	ok(/Pilotage/.test(nav) && !/Nouveau carnet|Règlements|Lieux/.test(nav),
	    'the funder\'s menu holds the dashboard and nothing else', nav);

	step = 'the form';
	// Programme 1, the first of the list: its tables have small lines.
	await page.getByLabel('Programme').selectOption({ index: 0 });
	await page.getByLabel('Période').fill('2026');
	await page.getByRole('button', { name: 'Afficher' }).click();
	await page.waitForURL(/periode=2026/);
	await axeContext.addCookies(await context.cookies());
	const url = page.url();
	for (const width of [375, 1280]) {
		step = `the page at ${width} px`;
		const at = `/pilotage at ${width} px`;
		await page.setViewportSize({ width, height: 900 });
		await axePage.setViewportSize({ width, height: 900 });
		await page.goto(url);
		await noSideScroll(page, at);
		const tables = await page.evaluate(() => [...document
		    .querySelectorAll('main table')].map((t) => ({
			caption: !!t.querySelector('caption')?.textContent.trim(),
			scoped: [...t.querySelectorAll('th')]
			    .every((h) => h.hasAttribute('scope')),
		})));
		ok(tables.length >= 9 && tables.every((t) => t.caption && t.scoped),
		    `${at}: ${tables.length} tables, each with a caption and ` +
		    'scoped headers', JSON.stringify(tables));
		const people = await page.evaluate(() => [...document
		    .querySelectorAll('main table')].filter((t) => t.querySelector(
			'thead th:nth-child(2)')?.textContent === 'Personnes')
		    .flatMap((t) => [...t.querySelectorAll('tr')].map((r) =>
			r.querySelector('td')?.textContent).filter((x) => x)));
		ok(people.length > 0 && people.every((p) => !/^[1-4]$/.test(p)),
		    `${at}: no cell of 1 to 4 people (${people.length} cells)`,
		    people.filter((p) => /^[1-4]$/.test(p)));
		ok(people.includes('< 5') && people.includes('secret'),
		    `${at}: small numbers shown as "< 5", and "secret"`);
		await page.screenshot({ path: join(OUTDIR, `pilotage-${width}.png`),
		    fullPage: true });
		await axePage.goto(url);
		await axe(axePage, at);
	}

	step = 'a bad period';
	await page.setViewportSize({ width: 375, height: 800 });
	await page.goto(`${BASE}/pilotage`);
	await page.getByLabel('Période').fill('2026-13');
	await page.getByRole('button', { name: 'Afficher' }).click();
	await page.waitForURL(/periode=2026-13/);
	const alert = page.getByRole('alert');
	ok(await alert.isVisible(), 'a bad period: an alert says why');
	await alert.getByRole('link').click();
	const focusedId = await page.evaluate(() => location.hash);
	ok(focusedId === '#periode', 'its link leads to the field', focusedId);
	ok(await page.getByLabel('Période').getAttribute('aria-invalid') ===
	    'true', 'the field is marked invalid, its message beside it');
	await axePage.goto(`${BASE}/pilotage?periode=2026-13`);
	await axe(axePage, '/pilotage with a bad period');
	ok(errors.length === 0, 'no console error', errors);
} catch (e) {
	ok(false, `${step}: ${e.message.split('\n')[0]}`, e.stack);
	await page.screenshot({ path: join(OUTDIR, 'failure.png') })
	    .catch(() => {});
} finally {
	await browser.close().catch(() => {});
}
clearTimeout(watchdog);
console.log(`1..${n}`);
process.exit(failures === 0 ? 0 : 1);
