// Live prices: subscribes to the topics typed in, shows each one's latest value and sequence and a
// small chart of its recent values (uPlot, served from the gateway's jar).
import { params, el, showError, connect } from '/js/page.js';

const POINTS = 120;
const $ = (id) => document.getElementById(id);
/** topic -> {times, values, value, sequence, chart, card} */
const feeds = new Map();
let client;

if (params.get('topics')) $('topics').value = params.get('topics');

function card(topic) {
  let f = feeds.get(topic);
  if (f) return f;
  const box = el('div', { class: 'panel feed', 'data-topic': topic });
  box.appendChild(el('h2', {}, topic));
  const value = el('p', { class: 'value' }, '…');
  box.appendChild(value);
  const plot = el('div');
  box.appendChild(plot);
  $('feeds').appendChild(box);
  f = { times: [], values: [], value, box, chart: null, dirty: false };
  f.chart = new window.uPlot({
    width: 320,
    height: 120,
    legend: { show: false },
    scales: { x: { time: true } },
    series: [{}, { stroke: '#17a', width: 1.5 }],
    axes: [{ show: true, size: 24 }, { size: 50 }],
  }, [[], []], plot);
  feeds.set(topic, f);
  return f;
}

function onUpdate(u) {
  const f = feeds.get(u.topic);
  if (!f) return;
  f.times.push(Number(u.publisherTimeMs) / 1000);
  f.values.push(u.value);
  if (f.times.length > POINTS) {
    f.times.shift();
    f.values.shift();
  }
  f.value.textContent = `${Number(u.value).toFixed(4)} (#${u.sequence})`;
  f.box.dataset.value = String(u.value);
  f.box.dataset.sequence = String(u.sequence);
  f.dirty = true;
}

// Charts are redrawn four times a second, not on every update.
setInterval(() => {
  for (const f of feeds.values()) {
    if (f.dirty) {
      f.chart.setData([f.times, f.values]);
      f.dirty = false;
    }
  }
}, 250);

$('subscribe-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const topics = $('topics').value.split(/\s+/).filter((t) => t);
  $('error').hidden = true;
  try {
    const wanted = new Set(topics);
    const gone = [...feeds.keys()].filter((t) => !wanted.has(t));
    if (gone.length) {
      await client.unsubscribe(gone);
      for (const t of gone) {
        feeds.get(t).box.remove();
        feeds.delete(t);
      }
    }
    const subscribed = await client.subscribe(topics);
    for (const t of subscribed.topics || []) card(t);
  } catch (err) {
    showError($('error'), err);
    $('error').dataset.code = err.code || '';
  }
});

async function main() {
  try {
    client = await connect();
  } catch (e) {
    showError($('error'), e);
    return;
  }
  client.on('feedUpdate', onUpdate);
  client.on('error', (e) => showError($('error'), e));
  // Feed subscriptions belong to a connection: a new one subscribes again.
  client.on('reconnected', () => $('subscribe').click());
  $('subscribe').click();
}

main();
