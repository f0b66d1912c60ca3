// Helsebro web UI: patients who may benefit from proactive team follow-up
// (PSHT, FACT, a micro-team): not yet in a team, ranked by a transparent risk
// score with each factor's points and the reasons in words. Only patients I
// have a relation to are listed. Text is Norwegian (bokmål).
import { el, api, show } from './ui.js';

export async function showHighUsers() {
  const data = await api('GET', '/api/high-users?limit=50');
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Pasient'), el('th', { scope: 'col', class: 'num' }, 'Poeng'),
    data.factors.map((f) => el('th', { scope: 'col', class: 'num', title: f.label }, f.label)));
  const rows = data.patients.map((p) => el('tr', { 'data-patient': p.patientId },
    el('th', { scope: 'row' }, el('a', { href: `#/pasient/${p.patientId}` }, p.name),
      el('div', { class: 'small muted' }, `${p.age} år, ${p.municipality}`),
      el('div', { class: 'small reasons' }, p.reasons.join(', '))),
    el('td', { class: 'num' }, el('strong', {}, p.score)),
    data.factors.map((f) => el('td', { class: p.points[f.code] ? 'num' : 'num muted' }, String(p.points[f.code] || 0)))));
  const when = new Intl.DateTimeFormat('nb-NO', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Oslo' })
    .format(new Date(data.computedAt));
  const search = el('input', { type: 'search', id: 'high-users-search', autocomplete: 'off' });
  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    for (const tr of rows) tr.hidden = q !== '' && !tr.querySelector('th').textContent.toLowerCase().includes(q);
  });
  show(el('h1', { id: 'js-title' }, 'Pasienter som kan ha nytte av proaktiv oppfølging'),
    el('p', {}, 'Pasienter som ennå ikke har en felles plan med et team, rangert etter en risikoskår fra de siste 12 månedene i Helsebro. '
      + 'Hver faktor gir poeng (med et tak), så du ser hvorfor pasienten står på listen. '
      + 'Proaktiv teamoppfølging (PSHT) har gitt 10 % færre akuttinnleggelser og 32 % færre liggedøgn for slike pasienter.'),
    el('p', { class: 'muted small', id: 'high-users-computed' }, `Skåren ble beregnet ${when} og fornyes i bakgrunnen. `
      + 'En pasient som får en felles plan med et team, forsvinner fra lista med en gang.'),
    data.patients.length ? el('p', {}, el('label', { for: 'high-users-search' }, 'Søk i lista (navn eller kommune) '), search) : null,
    data.patients.length
      ? el('div', { class: 'table-wrap' }, el('table', { class: 'indicators', id: 'high-users' }, el('thead', {}, head), el('tbody', {}, rows)))
      : el('p', {}, 'Ingen pasienter uten team med risikopoeng blant dem du har tjenstlig behov for å se.'),
    data.withoutRelation ? el('p', { class: 'muted small' },
      `${data.withoutRelation} pasienter med høyere eller lik skår vises ikke fordi du ikke har tjenstlig relasjon til dem.`) : null,
    el('details', {}, el('summary', {}, 'Slik regnes skåren'), el('ul', {}, data.factors.map((f) => el('li', {}, f.label)))));
}
