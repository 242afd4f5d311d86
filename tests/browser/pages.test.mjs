// pages.test.mjs -- the caseworker pages in headless Chromium, as a person uses them.
//
//   node tests/browser/pages.test.mjs URL PASSWORD OUTDIR
//
// URL is a running passnumd with the demo data (login "caseworker" with
// PASSWORD). On a 390x844 phone screen, the test logs in by typing into the
// labelled fields, issues a booklet through the form and its confirmation,
// finds its 10 QR codes, cancels one voucher, searches it by its printed
// serial, fetches the PDF and logs out; it checks keyboard use (skip link
// first, visible focus), that no page scrolls sideways (and the booklet at
// 1280 wide), and that no console error or Content-Security-Policy violation
// happened. axe-core checks WCAG 2.1 A and AA on six pages, in a second
// browser context that bypasses the CSP only so that axe can be injected.
//
// With VENUE-LOGIN VENUE-PASSWORD MONTH SESSION after OUTDIR, a venue
// user then logs in, lands on /lieu, and the venue's month (?mois=MONTH),
// its session SESSION, its conflicts and its « Postes » go through the
// same checks and axe-core, and so does the page of a code given by
// « Ajouter un poste » (the form filled as the venue would); the
// session's open dispute is answered through its form.
//
// With ACCOUNTANT-LOGIN ACCOUNTANT-PASSWORD after those, an accountant
// then logs in, lands on /compta, drafts the previous period's batch
// through the form "Préparer le lot", and /compta, the batch's page and
// /compta/contestations, with the venue's answer, go through the same
// checks and axe-core.
//
// Prints TAP (tests/run.sh counts it); screenshots and axe results go to
// OUTDIR. CHROMIUM overrides the browser (default /usr/bin/chromium).
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

const [URL_, PASSWORD, OUTDIR, VENUE_LOGIN, VENUE_PASSWORD, VENUE_MONTH,
    VENUE_SESSION, ACCOUNTANT_LOGIN, ACCOUNTANT_PASSWORD] =
    process.argv.slice(2);
if (!URL_ || !PASSWORD || !OUTDIR) {
	console.error('usage: node pages.test.mjs URL PASSWORD OUTDIR');
	process.exit(2);
}
const BASE = URL_.replace(/\/$/, '');
mkdirSync(OUTDIR, { recursive: true });

// ---- TAP ----
let n = 0;
let failures = 0;
function ok(pass, desc, diag) {
	n++;
	if (pass) {
		console.log(`ok ${n} - ${desc}`);
	} else {
		failures++;
		console.log(`not ok ${n} - ${desc}`);
		for (const line of [].concat(diag ?? []))
			// eslint-disable-next-line no-control-regex
			for (const l of String(line).replace(/\x1b\[[0-9;]*m/g, '')
			    .split('\n'))
				console.log(`#   ${l}`);
	}
	return pass;
}
const note = (s) => console.log(`# ${s}`);

// The whole run may not hang: a stuck step fails the test after 90 s.
const watchdog = setTimeout(() => {
	ok(false, 'the browser test finishes within 90 s');
	console.log(`1..${n}`);
	process.exit(1);
}, 90_000);

// ---- what the browser reports ----
const consoleErrors = [];
const cspViolations = [];
const faviconErrors = [];

// The URLs the walk expects to answer an error status.
const expectedStatus = new Set();

async function watch(context) {
	// A binding reaches Node through the DevTools protocol, which the
	// page's CSP does not govern; the init script is injected the same way.
	await context.exposeBinding('__passnumCsp', (src, v) => {
		cspViolations.push({ page: src.page.url(), ...v });
	});
	await context.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			window.__passnumCsp({
				directive: e.effectiveDirective,
				blocked: e.blockedURI,
				sample: e.sample,
			});
		});
	});
	context.on('console', (m) => {
		if (m.type() !== 'error')
			return;
		// A phone's browser asks for /favicon.ico by itself: that request
		// is checked on its own, so that its failure says what it is.
		const from = m.location()?.url || '';
		// A page whose error status the walk asks for (a form refused
		// with 400) is logged by the browser as a failed load: expected.
		if (expectedStatus.has(from) &&
		    /status of 4\d\d/.test(m.text()))
			return;
		(/\/favicon\.ico$/.test(from) ? faviconErrors : consoleErrors)
		    .push(`${m.page()?.url()}: ${m.text()} (${from})`);
	});
	context.on('weberror', (e) =>
		consoleErrors.push(`uncaught: ${e.error().message}`));
}

// ---- page checks ----
let shot = 0;
async function screenshot(page, name) {
	shot++;
	const file = `${String(shot).padStart(2, '0')}-${name}.png`;
	await page.screenshot({ path: join(OUTDIR, file), fullPage: true });
}

// What a phone shows, at one CSS pixel a pixel: the pictures of the
// venue's guide (docs/images/, copied from OUTDIR when the pages change).
async function docShot(page, name) {
	await page.screenshot({ path: join(OUTDIR, `doc-${name}.png`),
	    scale: 'css' });
}

async function noSideScroll(page, label) {
	const m = await page.evaluate(() => ({
		scroll: document.documentElement.scrollWidth,
		inner: window.innerWidth,
	}));
	const width = page.viewportSize().width;
	// On a phone a page wider than the screen is zoomed out to fit, so
	// innerWidth grows too: it must stay the screen's width.
	ok(m.scroll <= m.inner && m.inner <= width,
	    `${label}: no horizontal scrolling at ${width} px wide`,
	    `scrollWidth ${m.scroll}, innerWidth ${m.inner}`);
	// Nor does any text stick out of its box (a panel, a card, a form).
	const over = await page.evaluate(() => [...document.querySelectorAll(
	    'main, main .panel, main .voucher, main .alert, main dl, main form, ' +
	    'main fieldset')].filter((e) => e.scrollWidth > e.clientWidth + 1)
	    .map((e) => `${e.tagName.toLowerCase()}${e.className ?
		'.' + e.className.split(' ').join('.') : ''}: content ` +
		`${e.scrollWidth} px wide in a box of ${e.clientWidth} px`));
	const seen = new Map();
	for (const o of over)
		seen.set(o, (seen.get(o) || 0) + 1);
	ok(over.length === 0, `${label}: no content sticks out of its box at ` +
	    `${width} px wide`, [...seen].map(([o, k]) =>
		k > 1 ? `${o} (${k} times)` : o));
}

async function heading(page, text, label) {
	const h1 = (await page.locator('h1').allTextContents());
	ok(h1.length === 1 && h1[0].trim() === text,
	    `${label}: one h1, "${text}"`, `h1: ${JSON.stringify(h1)}`);
}

// The focused element and whether it shows a focus outline.
function focused(page) {
	return page.evaluate(() => {
		const e = document.activeElement;
		const s = getComputedStyle(e);
		const r = e.getBoundingClientRect();
		return {
			tag: e.tagName.toLowerCase(),
			cls: e.className,
			text: (e.textContent || e.getAttribute('aria-label') ||
			    e.id || '').trim().slice(0, 40),
			type: e.getAttribute('type'),
			outline: s.outlineStyle,
			outlineWidth: parseFloat(s.outlineWidth),
			onScreen: r.width > 0 && r.height > 0 && r.left >= 0 &&
			    r.top >= 0 && r.right <= innerWidth,
		};
	});
}
const visibleOutline = (f) => f.outline !== 'none' && f.outlineWidth > 0;

// Tab from the top: the skip link comes first, shows, and leads to the content.
async function skipLink(page, label) {
	await page.evaluate(() => {
		document.activeElement?.blur();
		window.scrollTo(0, 0);
	});
	await page.keyboard.press('Tab');
	const f = await focused(page);
	ok(f.tag === 'a' && f.cls === 'skip' && f.text === 'Aller au contenu',
	    `${label}: the first Tab reaches the skip link "Aller au contenu"`,
	    JSON.stringify(f));
	ok(visibleOutline(f) && f.onScreen,
	    `${label}: the focused skip link is on screen with a visible outline`,
	    JSON.stringify(f));
	await page.keyboard.press('Enter');
	const hash = await page.evaluate(() => location.hash);
	ok(hash === '#contenu', `${label}: Enter on it goes to #contenu`,
	    `location.hash ${hash}`);
}

// axe-core on a page of the CSP-bypassing context.
async function axe(page, label) {
	await page.addScriptTag({ path: AXE });
	const r = await page.evaluate(async (tags) => {
		const res = await window.axe.run(document, {
			runOnly: { type: 'tag', values: tags },
			resultTypes: ['violations', 'incomplete'],
		});
		return {
			violations: res.violations.map((v) => ({
				id: v.id, impact: v.impact, help: v.help,
				nodes: v.nodes.map((x) => ({
					target: x.target.join(' '),
					html: x.html.slice(0, 200),
					summary: x.failureSummary,
				})),
			})),
			passes: res.passes.length,
			incomplete: res.incomplete.map((v) => ({
				id: v.id,
				nodes: v.nodes.map((x) => x.target.join(' ')),
				why: v.nodes.map((x) => [...x.any, ...x.all]
				    .map((c) => c.message).join('; ')),
			})),
		};
	}, AXE_TAGS);
	const slug = label.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
	writeFileSync(join(OUTDIR, `axe-${slug}.json`),
	    JSON.stringify(r, null, 2));
	// What axe could not decide alone, for a person to look at.
	for (const v of r.incomplete)
		note(`axe ${label}: to review by hand: ${v.id} on ${v.nodes.join(', ')}`);
	const diag = [];
	for (const v of r.violations) {
		diag.push(`${v.id} (${v.impact}): ${v.help}`);
		for (const x of v.nodes)
			diag.push(`    ${x.target}   ${x.html}`);
	}
	ok(r.passes > 0 && r.violations.length === 0,
	    `axe WCAG 2.1 A/AA: ${label}: no violations (${r.passes} rules pass)`,
	    diag);
}

// The contrast of two CSS colours "rgb(r, g, b)" (WCAG 2.1's formula).
function contrastOf(a, b) {
	const lum = (c) => {
		const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map((x) => {
			const v = Number(x) / 255;
			return v <= 0.03928 ? v / 12.92 :
			    ((v + 0.055) / 1.055) ** 2.4;
		});
		return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
	};
	const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
}

// Every element of the blue header the keyboard reaches shows a focus
// ring of at least 3:1 against the header (WCAG 2.1 1.4.11), measured:
// the outline's computed colour against the header's background.
// Each [label, path, h1, status] (h1 null: not checked; status 200 when
// left out) at a phone's width and a desktop's: its status, its one h1,
// no side scrolling, a screenshot (with docShots, the guide's picture at
// 375 px too), the skip link, and axe on the same page in axePage.
async function pagesAtBothWidths(page, axePage, pages, { docShots = false } = {}) {
	for (const [label, path, h1, status = 200] of pages) {
		for (const width of [375, 1280]) {
			const at = `${label} at ${width} px`;
			const size = { width, height: 900 };

			await page.setViewportSize(size);
			await axePage.setViewportSize(size);
			if (status !== 200)
				expectedStatus.add(`${BASE}${path}`);
			const resp = await page.goto(`${BASE}${path}`);
			ok(resp.status() === status, `${at}: GET ${path}: ${status}`,
			    `${resp.status()}`);
			if (h1)
				await heading(page, h1, at);
			await noSideScroll(page, at);
			await screenshot(page, `${label.replace(/ /g, '-')}-${width}`);
			if (docShots && width === 375)
				await docShot(page, label.replace(/ /g, '-'));
			await skipLink(page, at);
			await axePage.goto(`${BASE}${path}`);
			await axe(axePage, at);
		}
	}
}

async function headerFocusRing(page, label) {
	await page.evaluate(() => {
		document.activeElement?.blur();
		window.scrollTo(0, 0);
	});
	const rings = [];
	for (let i = 0; i < 30; i++) {
		await page.keyboard.press('Tab');
		const f = await page.evaluate(() => {
			const e = document.activeElement;
			const header = e.closest('header');
			if (!header)
				return null;
			const s = getComputedStyle(e);
			return {
				text: (e.textContent || '').trim().slice(0, 30),
				outline: s.outlineStyle,
				width: parseFloat(s.outlineWidth),
				colour: s.outlineColor,
				header: getComputedStyle(header).backgroundColor,
			};
		});
		if (f === null) {
			if (rings.length > 0)
				break;
			continue;
		}
		rings.push(f);
	}
	const bad = rings.filter((f) => f.outline === 'none' || f.width < 2 ||
	    contrastOf(f.colour, f.header) < 3);
	ok(rings.length > 0 && bad.length === 0,
	    `${label}: the focus ring of each of the header's ${rings.length} ` +
	    `stops has 3:1 against it (${rings.length ? contrastOf(
		rings[0].colour, rings[0].header).toFixed(1) : '?'}:1)`,
	    bad.map((f) => JSON.stringify(f)));
}

// Every scrollable table region of the page is named and reached by Tab.
async function scrollRegions(page, label) {
	const regions = await page.evaluate(() => [...document.querySelectorAll(
	    '.scroll')].map((e, i) => {
		e.dataset.region = String(i);
		const by = e.getAttribute('aria-labelledby');
		const name = e.getAttribute('aria-label') ||
		    (by && document.getElementById(by)?.textContent) || '';
		return { i, tabindex: e.getAttribute('tabindex'),
		    role: e.getAttribute('role'), name: name.trim() };
	}));
	const unnamed = regions.filter((r) => r.tabindex !== '0' ||
	    r.role !== 'region' || r.name === '');
	ok(unnamed.length === 0, `${label}: its ${regions.length} scrollable ` +
	    'regions have tabindex="0", role="region" and a name',
	    unnamed.map((r) => JSON.stringify(r)));
	if (regions.length === 0)
		return;
	await page.evaluate(() => document.activeElement?.blur());
	const reached = new Set();
	for (let i = 0; i < 300 && reached.size < regions.length; i++) {
		await page.keyboard.press('Tab');
		const r = await page.evaluate(() =>
			document.activeElement?.dataset?.region ?? null);
		if (r !== null)
			reached.add(r);
	}
	ok(reached.size === regions.length, `${label}: Tab reaches each of ` +
	    `its ${regions.length} scrollable regions`,
	    `reached ${[...reached].join(', ')}`);
}

// A wide table uses the page's width on a desktop: no region scrolls
// sideways at 1280 px, so that its last column (the amount) shows.
async function wideTables(page, label) {
	const cut = await page.evaluate(() => [...document.querySelectorAll(
	    '.scroll')].filter((e) => e.scrollWidth > e.clientWidth + 1)
	    .map((e) => `${e.getAttribute('aria-labelledby') ||
		e.getAttribute('aria-label')}: ${e.scrollWidth} px in ` +
		`${e.clientWidth} px`));
	ok(cut.length === 0, `${label}: every table fits at ` +
	    `${page.viewportSize().width} px, its last column shown`, cut);
}

// The "Nouveau carnet" form, filled by its labels as a caseworker would.
const REF = `NAV-${Date.now()}`;
async function fillBookletForm(page) {
	const programme = page.getByLabel(/^Programme/);
	const first = await programme.locator('option').first().textContent();
	await programme.selectOption({ label: first });
	await page.getByLabel('Référence du dossier').fill(REF);
	await page.getByLabel('RSA').check();
	await page.getByLabel('26 à 44 ans').check();
	await page.getByLabel('Commune de résidence').fill('Rezé');
	await page.getByRole('button', { name: 'Vérifier avant de créer' }).click();
	await page.locator('h1', { hasText: 'Vérifier le carnet' }).waitFor();
	return first.replace(/ — .*/, '');
}

// ---- the walk ----
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: ['--no-sandbox'],
	headless: true,
});
const device = {
	viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
	locale: 'fr-FR', timezoneId: 'Europe/Paris',
};
const context = await browser.newContext(device);
await watch(context);
const page = await context.newPage();
page.setDefaultTimeout(10_000);
// Only for axe: its script would be refused by the pages' CSP otherwise.
const axeContext = await browser.newContext({ ...device, bypassCSP: true });
const axePage = await axeContext.newPage();
axePage.setDefaultTimeout(10_000);

let step = 'start';
try {
	step = 'login page';
	let resp = await page.goto(`${BASE}/connexion`);
	ok(resp.status() === 200, 'GET /connexion: 200');
	await heading(page, 'Connexion', 'login');
	const csp = resp.headers()['content-security-policy'] || '';
	ok(/default-src 'none'/.test(csp) && !/script-src/.test(csp),
	    'the pages are served under a CSP that allows no script', csp);
	await noSideScroll(page, 'login');
	await screenshot(page, 'connexion');
	await skipLink(page, 'login');
	await axePage.goto(`${BASE}/connexion`);
	await axe(axePage, 'login');

	step = 'venue application page';
	// The public page « Devenir lieu partenaire »: empty, then sent
	// empty (every error at its field, with the summary), then filled.
	const APPLY = `${BASE}/devenir-lieu-partenaire`;
	expectedStatus.add(APPLY);
	for (const width of [375, 1280]) {
		const at = `application form at ${width} px`;
		const size = { width, height: 900 };

		await page.setViewportSize(size);
		await axePage.setViewportSize(size);
		resp = await page.goto(APPLY);
		ok(resp.status() === 200, `${at}: GET: 200`);
		await heading(page, 'Devenir lieu partenaire', at);
		ok(!(await page.locator('#site_web').isVisible()),
		    `${at}: the honeypot field is not shown`);
		await noSideScroll(page, at);
		await screenshot(page, `candidature-${width}`);
		await skipLink(page, at);
		await axePage.goto(APPLY);
		await axe(axePage, at);
		await page.getByRole('button', { name: 'Envoyer ma candidature' })
		    .click();
		await page.locator('#siret-error').waitFor();
		ok(await page.locator('.error-summary a[href="#siret"], '
		    + '[role="alert"] a[href="#siret"]').count() === 1,
		    `${at} sent empty: the summary links to the SIRET`);
		await noSideScroll(page, `${at} with errors`);
		await axePage.getByRole('button', { name: 'Envoyer ma candidature' })
		    .click();
		await axePage.locator('#siret-error').waitFor();
		await axe(axePage, `${at} with errors`);
	}
	await page.setViewportSize(PHONE);
	await axePage.setViewportSize(PHONE);
	await page.goto(APPLY);
	await page.getByLabel('Nom du lieu').fill('Atelier du Quai (navigateur)');
	await page.getByLabel(/^SIRET/).fill('732 829 320 00074');
	await page.getByLabel('Adresse', { exact: true }).fill('3 quai Nord');
	await page.getByLabel('Commune').fill('Rezé');
	await page.getByLabel('Nom de la personne à contacter').fill('Alex Morel');
	await page.getByLabel('Adresse électronique').fill('alex@example.fr');
	await page.getByLabel('Téléphone').fill('02 40 00 00 00');
	await page.getByLabel(/^IBAN/).fill('FR76 3000 6000 0112 3456 7890 189');
	await page.getByLabel('BIC').fill('CCBPFRPPNAN');
	await page.getByRole('button', { name: 'Envoyer ma candidature' }).click();
	await page.getByText('votre candidature est envoyée').waitFor();
	ok(true, 'application form filled by its labels: sent');

	step = 'logging in';
	await page.goto(`${BASE}/connexion`);
	await page.getByLabel('Identifiant').pressSequentially('caseworker');
	await page.getByLabel('Mot de passe').pressSequentially(PASSWORD);
	await page.getByLabel('Mot de passe').press('Enter');
	await page.waitForURL(/\/accueil$/);
	ok(true, 'typing the login and password and pressing Enter lands on /accueil');
	await heading(page, 'Accueil', 'home');
	const nav = page.getByRole('navigation', { name: 'Menu principal' });
	ok(await nav.getByRole('button', { name: 'Se déconnecter' }).isVisible(),
	    'home: the menu offers "Se déconnecter"');
	await noSideScroll(page, 'home');
	await screenshot(page, 'accueil');
	await skipLink(page, 'home');
	await axeContext.addCookies(await context.cookies());
	await axePage.goto(`${BASE}/accueil`);
	ok(new URL(axePage.url()).pathname === '/accueil',
	    'the axe context shares the session');
	await axe(axePage, 'home');
	await headerFocusRing(page, 'home');
	await scrollRegions(page, 'home');

	step = 'error page';
	// Its 404 is what the step asks for, not a console error.
	expectedStatus.add(`${BASE}/carnets/nulle-part/encore`);
	resp = await page.goto(`${BASE}/carnets/nulle-part/encore`);
	ok(resp.status() === 404 &&
	    /^text\/html/.test(resp.headers()['content-type']),
	    'a browser asking an unknown URL: a 404 HTML page');
	await heading(page, 'Page introuvable', 'error page');
	ok(await page.getByRole('navigation', { name: 'Menu principal' })
	    .isVisible(), 'error page: with the menu');
	ok(await page.getByRole('link', { name: 'Retour à l’accueil' })
	    .isVisible(), 'error page: and a way on');
	await noSideScroll(page, 'error page');
	await axePage.goto(`${BASE}/carnets/nulle-part/encore`);
	await axe(axePage, 'error page');
	await page.goto(`${BASE}/accueil`);

	step = 'new booklet form';
	await page.getByRole('main').getByRole('link', { name: 'Nouveau carnet' })
	    .click();
	await page.waitForURL(/\/carnets\/nouveau$/);
	await heading(page, 'Nouveau carnet', 'new booklet');
	await noSideScroll(page, 'new booklet');
	await screenshot(page, 'nouveau-carnet');
	// Every stop of the keyboard through the form shows where it is.
	await page.evaluate(() => document.activeElement?.blur());
	const stops = [];
	for (let i = 0; i < 40; i++) {
		await page.keyboard.press('Tab');
		const f = await focused(page);
		stops.push(f);
		if (f.tag === 'button' && f.text === 'Vérifier avant de créer')
			break;
	}
	const last = stops[stops.length - 1];
	ok(last.text === 'Vérifier avant de créer',
	    `new booklet: Tab reaches the submit button (${stops.length} stops)`,
	    stops.map((f) => `${f.tag} ${f.text}`));
	const unmarked = stops.filter((f) => !visibleOutline(f));
	ok(unmarked.length === 0,
	    'new booklet: every element reached by Tab has a visible outline',
	    unmarked.map((f) => JSON.stringify(f)));
	await axePage.goto(`${BASE}/carnets/nouveau`);
	await axe(axePage, 'new booklet form');

	step = 'confirmation';
	const programme = await fillBookletForm(page);
	await heading(page, 'Vérifier le carnet', 'confirmation');
	const summary = await page.locator('main dl').innerText();
	for (const [what, text] of [['programme', programme],
	    ['reference', REF], ['pathway', 'RSA'], ['age band', '26 à 44 ans'],
	    ['commune', 'Rezé']])
		ok(summary.includes(text),
		    `confirmation: shows the ${what} "${text}"`, summary);
	ok(await page.getByRole('button', { name: 'Modifier' }).isVisible(),
	    'confirmation: offers "Modifier"');
	await noSideScroll(page, 'confirmation');
	await screenshot(page, 'confirmation');
	await axePage.goto(`${BASE}/carnets/nouveau`);
	await fillBookletForm(axePage);
	await axe(axePage, 'confirmation');

	step = 'booklet page';
	await page.getByRole('button', { name: 'Confirmer et créer le carnet' })
	    .click();
	await page.waitForURL(/\/carnets\/\d+\?cree=1$/);
	const bookletPath = new URL(page.url()).pathname;
	await heading(page, `Carnet n° ${bookletPath.split('/')[2]}`, 'booklet');
	ok(await page.getByRole('status').getByText('Le carnet est créé')
	    .isVisible(), 'booklet: "Le carnet est créé" is announced');
	const vouchers = page.locator('li.voucher');
	ok(await vouchers.count() === 10, 'booklet: 10 vouchers',
	    `${await vouchers.count()} found`);
	const qr = await vouchers.evaluateAll((lis) => lis.map((li) => {
		const img = li.querySelector('[role=img]');
		const svg = img?.querySelector('svg');
		const path = svg?.querySelector('path');
		const r = svg?.getBoundingClientRect();
		return {
			label: img?.getAttribute('aria-label') || '',
			serial: li.querySelector('.serial')?.textContent || '',
			d: (path?.getAttribute('d') || '').length,
			w: r ? r.width : 0,
		};
	}));
	ok(qr.length === 10 && qr.every((q) => q.d > 100 && q.w >= 150),
	    'booklet: each voucher has an SVG QR code, at least 150 px wide',
	    JSON.stringify(qr));
	ok(qr.every((q) => q.label === `Code QR du chèque ${q.serial}`),
	    'booklet: each QR code is labelled with its printed serial',
	    JSON.stringify(qr.map((q) => q.label)));
	await noSideScroll(page, 'booklet');
	await screenshot(page, 'carnet');
	const pdfHref = await page.getByRole('link',
	    { name: 'Imprimer le carnet (PDF)' }).getAttribute('href');
	await axePage.goto(`${BASE}${bookletPath}`);
	await axe(axePage, 'booklet');

	step = 'booklet at 1280 px';
	await page.setViewportSize(DESKTOP);
	await noSideScroll(page, 'booklet');
	const tops = await vouchers.evaluateAll((lis) =>
		lis.slice(0, 2).map((li) => li.getBoundingClientRect().top));
	ok(tops.length === 2 && tops[0] === tops[1],
	    'booklet at 1280 px: vouchers sit side by side', JSON.stringify(tops));
	await screenshot(page, 'carnet-1280');
	await page.setViewportSize(PHONE);

	step = 'cancelling a voucher';
	const third = vouchers.nth(2);
	const serial = (await third.locator('.serial').textContent()).trim();
	await third.getByText('Annuler ce chèque').click();
	await third.getByLabel('Motif de l’annulation')
	    .fill('Carnet perdu (test navigateur)');
	await third.getByRole('button', { name: 'Confirmer l’annulation' })
	    .click();
	await page.waitForURL(/\/carnets\/\d+\?annule=1$/);
	ok(await page.getByRole('status').getByText('L’annulation est enregistrée')
	    .isVisible(), 'cancel: "L’annulation est enregistrée" is announced');
	const cancelled = page.locator('li.voucher', { hasText: serial });
	ok((await cancelled.locator('dd.status-cancelled').textContent())
	    === 'Annulé', `cancel: voucher ${serial} now says "Annulé"`);
	ok(await cancelled.locator('svg').count() === 0 &&
	    await page.locator('li.voucher svg').count() === 9,
	    'cancel: its QR code is gone, the 9 others remain');
	await noSideScroll(page, 'cancelled booklet');
	await screenshot(page, 'carnet-annulation');

	step = 'search';
	await page.getByRole('navigation', { name: 'Menu principal' })
	    .getByRole('link', { name: 'Rechercher un chèque' }).click();
	await page.waitForURL(/\/recherche$/);
	await heading(page, 'Rechercher un chèque', 'search');
	await page.getByLabel('Numéro imprimé sur le chèque').fill(serial);
	await page.getByLabel('Numéro imprimé sur le chèque').press('Enter');
	await page.waitForURL(/\/recherche\?numero=/);
	ok(await page.getByRole('heading', { name: `Chèque ${serial}` })
	    .isVisible(), `search: finds "Chèque ${serial}"`);
	const found = await page.locator('main dl').innerText();
	ok(found.includes('Annulé') &&
	    found.includes('Carnet perdu (test navigateur)') &&
	    found.includes(`Carnet n° ${bookletPath.split('/')[2]}`),
	    'search: it is "Annulé", with its reason and its booklet', found);
	await noSideScroll(page, 'search');
	await screenshot(page, 'recherche');
	await axePage.goto(page.url());
	await axe(axePage, 'search');

	step = 'caseworker follow-up pages';
	// The agency's list, its filters refused, the vouchers about to
	// expire, the form and the booklet: at a phone's width and a desktop's.
	await pagesAtBothWidths(page, axePage, [
	    ['booklets', '/carnets', 'Carnets de votre service', 200],
	    ['booklets by reference', `/carnets?dossier=${REF}`,
		'Carnets de votre service', 200],
	    ['booklets bad filters',
		'/carnets?du=2026-02-30&etat=nope&page=0',
		'Carnets de votre service', 400],
	    ['expiring vouchers', '/echeances?jours=60',
		'Chèques bientôt expirés', 200],
	    ['new booklet', '/carnets/nouveau', 'Nouveau carnet', 200],
	    ['booklet', bookletPath, null, 200]]);
	await page.setViewportSize(PHONE);
	await axePage.setViewportSize(PHONE);
	await page.goto(`${BASE}/carnets?dossier=${REF}`);
	ok(await page.locator('main table tbody tr').count() === 1,
	    'booklets: the reference typed finds its one booklet');

	step = 'error summary';
	// Every field error at once: the browser's own checks set aside (as
	// an old browser, or a tampered form, would send it).
	await page.goto(`${BASE}/carnets/nouveau`);
	await page.locator('main form').evaluate((f) => { f.noValidate = true; });
	await page.getByLabel('Commune de résidence').fill('');
	const errorsUrl = `${BASE}/carnets/nouveau`;
	expectedStatus.add(errorsUrl);
	await page.getByRole('button', { name: 'Vérifier avant de créer' }).click();
	await page.locator('.error-summary').waitFor();
	const box = page.locator('.error-summary');
	ok(await box.getAttribute('role') === 'alert' &&
	    await box.getAttribute('tabindex') === '-1',
	    'error summary: role="alert", focusable (tabindex="-1")');
	const links = await box.locator('a').evaluateAll((as) =>
		as.map((a) => a.getAttribute('href')));
	ok(JSON.stringify(links) === JSON.stringify(['#ref', '#pathway-0',
	    '#age_band-0', '#commune']),
	    'error summary: one link for each of the four fields in error',
	    JSON.stringify(links));
	for (const href of links) {
		await page.locator(`.error-summary a[href="${href}"]`).click();
		const f = await page.evaluate(() => ({
			hash: location.hash,
			target: document.querySelector(':target')?.id ?? null,
		}));
		ok(f.hash === href && f.target === href.slice(1),
		    `error summary: the link ${href} leads to its field`,
		    JSON.stringify(f));
	}
	ok(await page.locator('[aria-invalid="true"]').count() === 4,
	    'error summary: the four fields marked aria-invalid');
	await noSideScroll(page, 'error summary');
	await screenshot(page, 'nouveau-carnet-erreurs');
	await axePage.goto(`${BASE}/carnets/nouveau`);
	await axePage.locator('main form').evaluate((f) => { f.noValidate = true; });
	await axePage.getByLabel('Commune de résidence').fill('');
	await axePage.getByRole('button', { name: 'Vérifier avant de créer' })
	    .click();
	await axePage.locator('.error-summary').waitFor();
	await axe(axePage, 'error summary');

	step = 'print style';
	await page.goto(`${BASE}${bookletPath}`);
	await page.emulateMedia({ media: 'print' });
	const printed = await page.evaluate(() => {
		// Rendered at all: an element inside a hidden one is hidden.
		const shown = (sel) => [...document.querySelectorAll(sel)]
		    .filter((e) => e.checkVisibility()).length;
		return {
			header: shown('header'), nav: shown('nav'),
			buttons: shown('main button, main .button'),
			forms: shown('main form'),
			vouchers: shown('li.voucher'),
		};
	});
	ok(printed.header === 0 && printed.nav === 0 && printed.buttons === 0 &&
	    printed.forms === 0,
	    'print: no header, menu, form or button', JSON.stringify(printed));
	ok(printed.vouchers === 10, 'print: the 10 vouchers remain',
	    JSON.stringify(printed));
	await screenshot(page, 'carnet-impression');
	await page.emulateMedia({ media: 'screen' });

	step = 'PDF';
	ok(pdfHref === `/api/v1/booklets/${bookletPath.split('/')[2]}.pdf`,
	    'booklet: "Imprimer le carnet (PDF)" links to its PDF', pdfHref);
	// The page's own request context: the same session cookie.
	const pdf = await page.request.get(`${BASE}${pdfHref}`);
	const body = await pdf.body();
	ok(pdf.status() === 200 &&
	    /^application\/pdf/.test(pdf.headers()['content-type'] || '') &&
	    body.subarray(0, 5).toString() === '%PDF-',
	    'the PDF link answers application/pdf with the session',
	    `${pdf.status()} ${pdf.headers()['content-type']} ${body.length} bytes`);

	step = 'logout';
	await page.getByRole('button', { name: 'Se déconnecter' }).click();
	await page.waitForURL(/\/connexion/);
	await heading(page, 'Connexion', 'after logout');
	ok(await page.getByRole('status').getByText('Vous êtes déconnecté')
	    .isVisible(), 'logout: the login page says "Vous êtes déconnecté"');
	await screenshot(page, 'deconnexion');
	await page.goto(`${BASE}/accueil`);
	ok(new URL(page.url()).pathname === '/connexion',
	    'after logout /accueil leads back to the login page', page.url());

	if (VENUE_LOGIN) {
		step = 'venue pages';
		await page.goto(`${BASE}/connexion`);
		await page.getByLabel('Identifiant').pressSequentially(VENUE_LOGIN);
		await page.getByLabel('Mot de passe')
		    .pressSequentially(VENUE_PASSWORD);
		await page.getByLabel('Mot de passe').press('Enter');
		await page.waitForURL(/\/lieu$/);
		ok(true, 'a venue user logging in lands on /lieu');
		await axeContext.clearCookies();
		await axeContext.addCookies(await context.cookies());
		// The venue's pages say where its money stands in tables and
		// lists: each at a narrow phone's width and a desktop's.
		await pagesAtBothWidths(page, axePage, [
		    ['venue month', `/lieu?mois=${VENUE_MONTH}`,
			'Séances et remboursements', 200],
		    ['venue bad month', '/lieu?mois=2026-13',
			'Séances et remboursements', 400],
		    ['venue session', `/lieu/sessions/${VENUE_SESSION}`, null,
			200],
		    ['venue conflicts', '/lieu/conflits', 'Chèques en conflit',
			200],
		    ['venue statements', '/lieu/releves',
			'Relevés de règlement', 200],
		    ['venue terminals', '/lieu/postes', 'Postes', 200]],
		    { docShots: true });
		// The session's attendance sheet: two links, each a download.
		step = 'attendance sheet';
		await page.goto(`${BASE}/lieu/sessions/${VENUE_SESSION}`);
		for (const [name, ext, type, magic] of [
		    ['à imprimer (PDF)', 'pdf', /^application\/pdf/, '%PDF-'],
		    ['pour un tableur (CSV)', 'csv', /^text\/csv/, '\ufeffN°']]) {
			const link = page.getByRole('link', { name });
			const href = await link.getAttribute('href');
			ok(href === `/lieu/sessions/${VENUE_SESSION}/emargement.${ext}`,
			    `venue session: "${name}" links to the sheet`, href);
			const resp = await page.request.get(`${BASE}${href}`);
			const got = await resp.body();
			ok(resp.status() === 200 &&
			    type.test(resp.headers()['content-type'] || '') &&
			    got.toString().startsWith(magic),
			    `the sheet's ${ext} link answers with the file`,
			    `${resp.status()} ${resp.headers()['content-type']}`);
		}
		await page.setViewportSize(PHONE);
		await axePage.setViewportSize(PHONE);
		await page.goto(`${BASE}/lieu?mois=2026-13`);
		ok(await page.getByText('Ce mois n’existe pas').isVisible() &&
		    await page.getByLabel(/Mois affiché/).getAttribute(
		    'aria-invalid') === 'true',
		    'venue: a bad month shows the form again, the field marked '
		    + 'invalid with its message');
		await page.goto(`${BASE}/lieu/sessions/${VENUE_SESSION}`);
		ok(await page.getByRole('heading', { name: 'Contestations' })
		    .isVisible() && await page.getByRole('cell',
		    { name: /^Accepté — Contesté le .* motif : bénéficiaire absent/ })
		    .isVisible(),
		    'venue: the session says its voucher is contested, and why');
		// The dispute's answer, through its form: a text and a PDF.
		step = 'answering a dispute';
		ok(await page.getByText(/à répondre avant le \d\d\/\d\d\/\d{4}/)
		    .isVisible(), 'venue: the dispute says by when to answer');
		await page.getByLabel('Votre réponse').fill(
		    'La personne a signé la feuille d’émargement.');
		await page.getByLabel('Pièce jointe (facultative)').setInputFiles({
			name: 'feuille.pdf', mimeType: 'application/pdf',
			buffer: Buffer.from('%PDF-1.4\n% feuille\n%%EOF\n'),
		});
		await page.getByRole('button', { name: 'Envoyer la réponse' })
		    .click();
		await page.waitForURL(/\?repondu=\d+/);
		ok(await page.getByRole('status').getByText('Votre réponse est '
		    + 'envoyée').isVisible() && await page.getByText('La personne '
		    + 'a signé la feuille d’émargement.').isVisible() &&
		    await page.getByRole('link', { name: 'feuille.pdf' })
		    .isVisible(), 'venue: the answer is sent from the form, with '
		    + 'its file, and shown');
		// The venue's own acts: open a session, redeem a voucher by
		// its serial and key, see it refused the second time.
		step = 'venue session and redemption';
		const [printed, key, printed2, key2] =
		    (process.env.VENUE_VOUCHERS || '').split(',');
		await page.setViewportSize(PHONE);
		await page.goto(`${BASE}/lieu/seance`);
		await heading(page, 'Séance en cours', 'séance en cours');
		await docShot(page, 'seance-en-cours');
		await page.getByLabel('Thème de l').selectOption(
		    'démarches en ligne');
		await page.getByLabel('Maintenant', { exact: true }).check();
		await page.getByLabel('Durée').selectOption('90');
		await page.getByRole('button', { name: 'Ouvrir la séance' })
		    .click();
		await page.waitForURL(/\/lieu\/encaisser\?seance=\d+$/);
		ok(true, 'venue: a session opened from the page leads to '
		    + '« Encaisser un chèque »');
		await heading(page, 'Encaisser un chèque', 'encaisser');
		await docShot(page, 'encaisser');
		const redeemTyped = async (p, serial, k) => {
			await p.getByLabel(/Numéro du chèque/).fill(serial);
			await p.getByLabel(/Clé de contrôle/).fill(k);
			await p.getByRole('button', { name: 'Encaisser',
			    exact: true }).click();
			await p.waitForLoadState();
		};
		await redeemTyped(page, printed, key);
		ok(await page.getByRole('heading', { name: 'ACCEPTÉ',
		    exact: true }).isVisible() && await page.getByText(
		    `Chèque ${printed} : 10,00`).isVisible(),
		    'venue: serial and key typed: ACCEPTÉ, with the amount');
		await screenshot(page, 'encaisser-accepte-375');
		await docShot(page, 'verdict-accepte');
		expectedStatus.add(`${BASE}/lieu/encaisser`);
		await redeemTyped(page, printed, key);
		ok(await page.getByRole('heading',
		    { name: 'REFUSÉ — déjà utilisé' }).isVisible(),
		    'venue: the same voucher again: REFUSÉ — déjà utilisé');
		await screenshot(page, 'encaisser-refuse-375');
		await docShot(page, 'verdict-deja-utilise');
		// The same from a photo, as a phone's camera gives it.
		const sendPhoto = async () => {
			await page.getByLabel(/Photo du chèque/).setInputFiles(
			    process.env.VENUE_PHOTO);
			await page.getByRole('button', { name: 'Envoyer la photo' })
			    .click();
			await page.waitForLoadState();
		};
		expectedStatus.add(`${BASE}/lieu/encaisser/photo`);
		await sendPhoto();
		ok(await page.getByRole('heading', { name: 'ACCEPTÉ',
		    exact: true }).isVisible() && await page.getByText(
		    `Chèque ${process.env.VENUE_PHOTO_PRINTED} : 10,00`)
		    .isVisible(), 'venue: a photo of the voucher (12 MP JPEG, '
		    + 'turned 4°): ACCEPTÉ, the right voucher',
		    await page.locator('main').innerText());
		await screenshot(page, 'encaisser-photo-accepte-375');
		await sendPhoto();
		ok(await page.getByRole('heading',
		    { name: 'REFUSÉ — déjà utilisé' }).isVisible(),
		    'venue: the same photo again: REFUSÉ — déjà utilisé');
		// Each page, and each verdict, under axe at both widths: the
		// accepted one at 375 px, the refused one at 1280 px.
		for (const width of [375, 1280]) {
			const size = { width, height: 900 };

			await page.setViewportSize(size);
			await axePage.setViewportSize(size);
			for (const [label, path] of [
			    ['séance en cours', '/lieu/seance'],
			    ['encaisser', '/lieu/encaisser']]) {
				const at = `${label} at ${width} px`;
				await page.goto(`${BASE}${path}`);
				await noSideScroll(page, at);
				await skipLink(page, at);
				await axePage.goto(`${BASE}${path}`);
				await axe(axePage, at);
			}
			await redeemTyped(axePage, printed2, key2);
			const said = width === 375 ? 'ACCEPTÉ' :
			    'REFUSÉ — déjà utilisé';
			ok(await axePage.getByRole('heading', { name: said,
			    exact: true }).isVisible(),
			    `the second voucher at ${width} px: ${said}`,
			    await axePage.locator('main').innerText());
			await noSideScroll(axePage, `verdict at ${width} px`);
			await axe(axePage, `verdict ${width === 375 ? 'ACCEPTÉ'
			    : 'REFUSÉ'} at ${width} px`);
		}
		await page.setViewportSize(PHONE);
		await axePage.setViewportSize(PHONE);
		await page.goto(`${BASE}/lieu`);
		ok(await page.getByRole('alert')
		    .getByText('Votre terminal « Accueil » est suspendu')
		    .isVisible(), 'venue: /lieu says its terminal is suspended');
		// « Ajouter un poste »: a wrong password gives the form again,
		// the field marked; the right one the code page, shown once.
		step = 'venue terminals';
		await page.goto(`${BASE}/lieu/postes`);
		ok(await page.getByRole('cell', { name:
		    /^Suspendu — en attente de vérification : / }).isVisible(),
		    'venue terminals: the suspended terminal is said so, and why');
		expectedStatus.add(`${BASE}/lieu/postes`);
		await page.getByLabel(/Votre mot de passe/)
		    .pressSequentially('pas-le-bon');
		await page.getByRole('button',
		    { name: 'Obtenir un code d’inscription' }).click();
		ok(await page.getByText('Mot de passe incorrect').isVisible() &&
		    await page.getByLabel(/Votre mot de passe/).getAttribute(
		    'aria-invalid') === 'true',
		    'venue terminals: a wrong password shows the form again, '
		    + 'the field marked invalid with its message');
		for (const width of [375, 1280]) {
			const at = `venue terminal code at ${width} px`;
			const size = { width, height: 900 };

			for (const p of [page, axePage]) {
				await p.setViewportSize(size);
				await p.goto(`${BASE}/lieu/postes`);
				await p.getByLabel(/Nom du poste/)
				    .fill('Accueil, poste 2');
				await p.getByLabel(/Votre mot de passe/)
				    .fill(VENUE_PASSWORD);
				await p.getByRole('button',
				    { name: 'Obtenir un code d’inscription' })
				    .click();
				await p.waitForLoadState();
			}
			await heading(page, 'Code d’inscription du poste', at);
			ok(/ [A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(
			    (await page.locator('.enrol-code').textContent())
			    .trim()), `${at}: the code, grouped`);
			ok(/passnum-terminal enrol --server \S+ --code /.test(
			    await page.locator('pre').textContent()),
			    `${at}: the command to type`);
			await noSideScroll(page, at);
			await screenshot(page, `venue-terminal-code-${width}`);
			if (width === 375)
				await docShot(page, 'venue-terminal-code');
			await skipLink(page, at);
			await axe(axePage, at);
		}
	}

	if (ACCOUNTANT_LOGIN) {
		step = 'accounting pages';
		await page.getByRole('button', { name: 'Se déconnecter' })
		    .click();
		await page.waitForURL(/\/connexion/);
		await page.getByLabel('Identifiant')
		    .pressSequentially(ACCOUNTANT_LOGIN);
		await page.getByLabel('Mot de passe')
		    .pressSequentially(ACCOUNTANT_PASSWORD);
		await page.getByLabel('Mot de passe').press('Enter');
		await page.waitForURL(/\/compta$/);
		ok(true, 'an accountant logging in lands on /compta');
		await heading(page, 'Règlements', 'accounting');
		ok(await page.getByRole('heading',
		    { name: 'Terminaux suspendus (1)' }).isVisible(),
		    'accounting: the suspended terminal is in a box');
		ok(await page.getByRole('heading',
		    { name: 'Alertes d’intégrité (1)' }).isVisible(),
		    'accounting: the open integrity alarm is in a box');
		await noSideScroll(page, 'accounting');
		await screenshot(page, 'compta');
		await skipLink(page, 'accounting');
		await axeContext.clearCookies();
		await axeContext.addCookies(await context.cookies());
		await axePage.goto(`${BASE}/compta`);
		await axe(axePage, 'accounting');
		await scrollRegions(page, 'accounting');

		step = 'drafting a batch';
		const period = await page.getByLabel('Période').inputValue();
		ok(/^\d{4}-(\d{2}|T\d)$/.test(period),
		    `accounting: the period field holds the previous period (${period})`);
		await page.getByRole('button', { name: 'Préparer le lot' }).click();
		await page.waitForURL(/\/compta\/lots\/[^/?]+\?prepare=1$/);
		const batchPath = new URL(page.url()).pathname;
		await heading(page, `Lot ${batchPath.split('/')[3]}`, 'batch');
		ok(await page.getByRole('status').getByText('Le lot est préparé')
		    .isVisible(), 'batch: "Le lot est préparé" is announced');
		const approve = page.getByRole('button', { name: 'Approuver le lot' });
		ok(await approve.isDisabled(),
		    'batch: its drafter finds "Approuver le lot" disabled');
		ok(await page.getByText('un autre comptable doit approuver')
		    .isVisible(), 'batch: and is told why');
		ok(await page.getByRole('heading',
		    { name: 'Alertes à lire avant d’approuver (1)' }).isVisible(),
		    'batch: its alert is listed under a heading');
		ok(await page.getByLabel('J’ai pris connaissance de l’alerte de '
		    + 'ce lot').isVisible(),
		    'batch: the box acknowledging it is labelled');
		await noSideScroll(page, 'batch');
		await screenshot(page, 'lot');
		await skipLink(page, 'batch');
		await axePage.goto(`${BASE}${batchPath}`);
		// With a hold form open, so that axe sees it too.
		await axePage.locator('details summary').first().click();
		await axe(axePage, 'batch');
		const hold = page.locator('details summary').first();
		await hold.focus();
		await page.keyboard.press('Enter');
		ok(await page.getByLabel('Motif de la retenue').first().isVisible(),
		    'batch: a line\'s hold form opens from the keyboard, its '
		    + 'reason labelled');
		await scrollRegions(page, 'batch');
		await page.setViewportSize(DESKTOP);
		await page.goto(`${BASE}${batchPath}`);
		await wideTables(page, 'batch at 1280 px');
		await noSideScroll(page, 'batch at 1280 px');
		await screenshot(page, 'lot-1280');
		await page.setViewportSize(PHONE);

		step = 'disputes page';
		await page.getByRole('link', { name: 'Retour aux règlements' })
		    .click();
		await page.getByRole('main').getByRole('link',
		    { name: 'Contestations' }).click();
		await page.waitForURL(/\/compta\/contestations$/);
		await heading(page, 'Contestations', 'disputes');
		ok(await page.getByText('La personne a signé la feuille '
		    + 'd’émargement.').isVisible(),
		    'disputes: the venue\'s answer is beside its dispute');
		const file = page.getByRole('link', { name: 'feuille.pdf' });
		const fileResp = await page.request.get(
		    `${BASE}${await file.getAttribute('href')}`);
		ok(fileResp.status() === 200 &&
		    /^application\/pdf/.test(fileResp.headers()['content-type']) &&
		    /^attachment/.test(fileResp.headers()['content-disposition']) &&
		    /sandbox/.test(fileResp.headers()['content-security-policy']) &&
		    (await fileResp.body()).toString().startsWith('%PDF-'),
		    'disputes: its file is a sandboxed PDF download');
		for (const width of [375, 1280]) {
			const at = `disputes at ${width} px`;
			const size = { width, height: 900 };

			await page.setViewportSize(size);
			await axePage.setViewportSize(size);
			await page.goto(`${BASE}/compta/contestations`);
			await noSideScroll(page, at);
			await screenshot(page, `contestations-${width}`);
			await axePage.goto(`${BASE}/compta/contestations`);
			await axe(axePage, at);
		}
	}

	if (process.env.ADMIN_PASSWORD) {
		// The users pages and « Mon compte », as the admin: the list,
		// the add form refused (every error at once), a one-time
		// password shown once, an account's page.
		step = 'users pages';
		await context.clearCookies();
		await page.setViewportSize(PHONE);
		await axePage.setViewportSize(PHONE);
		await page.goto(`${BASE}/connexion`);
		await page.getByLabel('Identifiant').pressSequentially('admin');
		await page.getByLabel('Mot de passe')
		    .pressSequentially(process.env.ADMIN_PASSWORD);
		await page.getByLabel('Mot de passe').press('Enter');
		await page.waitForURL((u) => u.pathname !== '/connexion');
		await axeContext.clearCookies();
		await axeContext.addCookies(await context.cookies());
		await page.goto(`${BASE}/admin/utilisateurs`);
		await page.locator('main form[method="post"]').evaluate((f) => {
			f.noValidate = true;
		});
		expectedStatus.add(`${BASE}/admin/utilisateurs`);
		await page.getByRole('button', { name: 'Ajouter l’utilisateur' })
		    .click();
		await page.locator('.error-summary').waitFor();
		ok(await page.locator('.error-summary li').count() === 3,
		    'users: an empty form says its three errors at once '
		    + '(login, name, and the caseworker\'s agency)',
		    await page.locator('.error-summary').innerText());
		await noSideScroll(page, 'users form errors');
		await page.getByLabel('Identifiant').fill('nav-user');
		await page.getByLabel('Nom affiché').fill('Navigateur Test');
		await page.getByLabel('Rôle', { exact: true }).selectOption({ label: 'Comptable' });
		await page.getByRole('button', { name: 'Ajouter l’utilisateur' })
		    .click();
		await heading(page, 'Utilisateur ajouté', 'user added');
		const temp = await page.locator('#provisoire').innerText();
		ok(/^[A-Za-z0-9]{16}$/.test(temp),
		    'users: the one-time password is shown', temp);
		for (const width of [375, 1280]) {
			const size = { width, height: 900 };

			await page.setViewportSize(size);
			await axePage.setViewportSize(size);
			await noSideScroll(page, `one-time password at ${width} px`);
			// axe's page (no CSP) adds its own user to see the page.
			await axePage.goto(`${BASE}/admin/utilisateurs`);
			await axePage.getByLabel('Identifiant').fill(`nav-${width}`);
			await axePage.getByLabel('Nom affiché').fill(`Axe ${width}`);
			await axePage.getByLabel('Rôle', { exact: true })
			    .selectOption({ label: 'Financeur (lecture seule)' });
			await axePage.getByRole('button',
			    { name: 'Ajouter l’utilisateur' }).click();
			await heading(axePage, 'Utilisateur ajouté',
			    `user added at ${width} px`);
			await axe(axePage, `one-time password at ${width} px`);
		}
		const userPath = await page.getByRole('link',
		    { name: 'Voir le compte' }).getAttribute('href');
		await pagesAtBothWidths(page, axePage, [
		    ['users', '/admin/utilisateurs', 'Utilisateurs'],
		    ['users admins', '/admin/utilisateurs?role=admin',
			'Utilisateurs'],
		    ['user', userPath, 'Navigateur Test'],
		    ['my account', '/compte', 'Mon compte']]);
		ok(!(await page.content()).includes(temp),
		    'users: the one-time password is shown nowhere else');
		// A wrong current password: the field marked, under axe.
		await page.setViewportSize(PHONE);
		await axePage.setViewportSize(PHONE);
		await page.goto(`${BASE}/compte`);
		expectedStatus.add(`${BASE}/compte/mot-de-passe`);
		await page.getByLabel('Mot de passe actuel')
		    .pressSequentially('pas-le-bon-du-tout');
		await page.getByLabel(/^Nouveau mot de passe\s*Au moins/)
		    .pressSequentially('un-nouveau-mot-de-passe');
		await page.getByLabel('Nouveau mot de passe, une seconde fois')
		    .pressSequentially('un-nouveau-mot-de-passe');
		await page.getByRole('button',
		    { name: 'Changer mon mot de passe' }).click();
		await page.locator('.error-summary').waitFor();
		ok(await page.getByLabel('Mot de passe actuel')
		    .getAttribute('aria-invalid') === 'true',
		    'my account: a wrong current password marks its field');
		await noSideScroll(page, 'my account error');
	}

	// With ADMIN_LOGIN and ADMIN_PASSWORD in the environment, an admin
	// then goes through the venue administration: the list, a search
	// that finds nothing, venue 1's page with a change of bank details
	// waiting for this admin's approval, and the add form sent empty,
	// every field's error at once.
	if (process.env.ADMIN_LOGIN) {
		step = 'venue administration';
		await page.getByRole('button', { name: 'Se déconnecter' })
		    .click();
		await page.waitForURL(/\/connexion/);
		await page.getByLabel('Identifiant')
		    .pressSequentially(process.env.ADMIN_LOGIN);
		await page.getByLabel('Mot de passe')
		    .pressSequentially(process.env.ADMIN_PASSWORD);
		await page.getByLabel('Mot de passe').press('Enter');
		await page.waitForURL((u) => !/\/connexion/.test(u.pathname));
		await axeContext.clearCookies();
		await axeContext.addCookies(await context.cookies());
		await pagesAtBothWidths(page, axePage, [
		    ['admin venues', '/admin/lieux', 'Lieux partenaires'],
		    ['admin venues search', '/admin/lieux?q=introuvable',
			'Lieux partenaires'],
		    ['admin venue', '/admin/lieux/1', 'Médiathèque de Rezé']]);
		ok(await page.getByText('Changement de RIB en attente')
		    .isVisible(), 'admin venue: the pending change is said');
		ok(await page.getByRole('button',
		    { name: 'Approuver le changement de RIB' }).isVisible(),
		    'admin venue: another admin may approve it');
		for (const width of [375, 1280]) {
			const at = `admin venue add refused at ${width} px`;

			await page.setViewportSize({ width, height: 900 });
			await page.goto(`${BASE}/admin/lieux`);
			expectedStatus.add(`${BASE}/admin/lieux`);
			await page.getByRole('button', { name: 'Ajouter le lieu' })
			    .click();
			await page.waitForLoadState();
			const links = await page.locator('.error-summary a')
			    .evaluateAll((as) => as.map((a) => a.getAttribute(
			    'href')));
			ok(['#name', '#siret', '#iban', '#bic', '#debut']
			    .every((h) => links.includes(h)),
			    `${at}: every field's error in the summary`, links);
			await noSideScroll(page, at);
			await screenshot(page, `admin-venue-add-${width}`);
		}
	}

	if (process.env.ADMIN_PASSWORD) {
		step = 'admin pages';
		await context.clearCookies();
		await page.goto(`${BASE}/connexion`);
		await page.getByLabel('Identifiant').pressSequentially('admin');
		await page.getByLabel('Mot de passe')
		    .pressSequentially(process.env.ADMIN_PASSWORD);
		await page.getByLabel('Mot de passe').press('Enter');
		await page.waitForURL((u) => !/\/connexion/.test(u.pathname));
		await axeContext.clearCookies();
		await axeContext.addCookies(await context.cookies());
		await pagesAtBothWidths(page, axePage, [
		    ['applications', '/admin/candidatures',
			'Candidatures des lieux'],
		    ['nightly jobs', '/admin/taches', 'Tâches de nuit'],
		    ['audit log', '/admin/journal', 'Journal d’audit'],
		    ['audit log filtered',
			'/admin/journal?action=venue.add&du=2020-01-01',
			'Journal d’audit'],
		    ['agencies', '/admin/agences', 'Agences'],
		    ['agency', '/admin/agences/1', 'EDS Nantes Est'],
		    ['programmes', '/admin/programmes', 'Programmes'],
		    ['programme', '/admin/programmes/1',
			'Pass numérique 2026'],
		    ['themes', '/admin/themes', 'Thèmes des séances']]);
		// A programme's form sent with its value cleared and no
		// password: both errors in the summary, each link reaching its
		// field, nothing changed.
		for (const width of [375, 1280]) {
			const at = `programme edit refused at ${width} px`;

			await page.setViewportSize({ width, height: 900 });
			await page.goto(`${BASE}/admin/programmes/1`);
			expectedStatus.add(`${BASE}/admin/programmes/1/modifier`);
			await page.getByLabel('Valeur d’un chèque (euros)').fill('');
			await page.getByRole('button', { name: 'Enregistrer' })
			    .click();
			await page.waitForLoadState();
			const links = await page.locator('.error-summary a')
			    .evaluateAll((as) => as.map((a) => a.getAttribute(
			    'href')));
			ok(['#valeur', '#motdepasse'].every((h) =>
			    links.includes(h)),
			    `${at}: both errors in the summary`, links);
			await page.locator('.error-summary a[href="#valeur"]')
			    .click();
			ok(await page.evaluate(() => document.activeElement.id) ===
			    'valeur', `${at}: the link reaches its field`);
			await noSideScroll(page, at);
			await screenshot(page, `programme-edit-refused-${width}`);
		}
		ok(await page.goto(`${BASE}/admin/candidatures`) &&
		    await page.getByText('Atelier du Quai (navigateur)').first()
		    .isVisible(), 'applications: the one sent above is listed');
		// The audit now, and the accepted venue's printout.
		for (const width of [375, 1280]) {
			const at = `audit now at ${width} px`;
			const size = { width, height: 900 };

			await page.setViewportSize(size);
			await axePage.setViewportSize(size);
			await page.goto(`${BASE}/admin/taches`);
			await page.getByRole('button',
			    { name: 'Lancer l’audit maintenant' }).click();
			await heading(page, 'Audit de la base', at);
			await noSideScroll(page, at);
			await screenshot(page, `audit-${width}`);
			await axePage.goto(`${BASE}/admin/taches`);
			await axePage.getByRole('button',
			    { name: 'Lancer l’audit maintenant' }).click();
			await axePage.locator('h1').waitFor();
			await axe(axePage, at);
		}
		await page.setViewportSize(PHONE);
		await axePage.setViewportSize(PHONE);
		await page.goto(`${BASE}/admin/candidatures`);
		await page.getByLabel('Votre mot de passe').first()
		    .fill(process.env.ADMIN_PASSWORD);
		await page.getByRole('button', { name: /^Accepter/ }).first()
		    .click();
		await heading(page, 'Lieu accepté : accès à remettre', 'printout');
		ok(await page.locator('.enrol-code').innerText().then(
		    (t) => t.trim().length === 16),
		    'the printout shows a one-time password');
		await noSideScroll(page, 'printout at 375 px');
		await screenshot(page, 'lieu-accepte');
		// axe on the page as it is: another accept would refuse.
		const html = (await page.content()).replace('<head>',
		    `<head><base href="${BASE}/">`);
		await axePage.setContent(html);
		await axe(axePage, 'printout at 375 px');
	}

	step = 'console and CSP';
	ok(consoleErrors.length === 0, 'no console error on any page',
	    consoleErrors);
	ok(faviconErrors.length === 0,
	    'the browser\'s own request for /favicon.ico does not fail',
	    faviconErrors);
	ok(cspViolations.length === 0, 'no CSP violation on any page',
	    cspViolations.map((v) => JSON.stringify(v)));
	// The watcher itself works: an inline style is refused and reported.
	const probe = await context.newPage();
	await probe.goto(`${BASE}/connexion`);
	await probe.evaluate(() =>
		document.body.setAttribute('style', 'color: red'));
	for (let i = 0; i < 20 && !cspViolations.length; i++)
		await probe.waitForTimeout(100);
	ok(cspViolations.some((v) => v.directive === 'style-src-attr'),
	    'the CSP watcher reports a violation when one happens (self-check)',
	    cspViolations.map((v) => JSON.stringify(v)));
	await probe.close();
} catch (e) {
	ok(false, `${step}: ${e.message.split('\n')[0]}`, e.stack);
	try {
		await screenshot(page, 'failure');
		note(`page at failure: ${page.url()} (screenshot in ${OUTDIR})`);
	} catch { /* the browser may be gone */ }
} finally {
	await browser.close().catch(() => {});
}
clearTimeout(watchdog);
console.log(`1..${n}`);
process.exit(failures === 0 ? 0 : 1);
