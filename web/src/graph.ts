// An alert's money-flow subgraph (nexus.v1.Subgraph) drawn with Cytoscape.js and the dagre
// layout, money flowing left to right: accounts as nodes (the alert's subject marked), one
// edge per payment labelled with its amount. The container carries data-nodes and
// data-edges once drawn, so a test (or a curious user) can read what was drawn.
import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import type { Subgraph } from './api';
import { usd } from './format';

cytoscape.use(dagre);

// Cytoscape draws on a canvas: its colours are set here, not in style.css.
const kStyle: cytoscape.StylesheetJson = [
  {
    selector: 'node',
    style: {
      'background-color': '#5b6b82',
      label: 'data(label)',
      color: '#1d2733',
      'font-size': 11,
      'font-family': 'DejaVu Sans, system-ui, sans-serif',
      'text-valign': 'bottom',
      'text-margin-y': 4,
      width: 22,
      height: 22,
    },
  },
  {
    selector: 'node.subject',
    style: { 'background-color': '#c2410c', width: 30, height: 30, 'font-weight': 'bold' },
  },
  {
    selector: 'edge',
    style: {
      width: 'data(weight)',
      'line-color': '#9aa8ba',
      'target-arrow-color': '#9aa8ba',
      'target-arrow-shape': 'triangle',
      'curve-style': 'bezier',
      label: 'data(label)',
      'font-size': 10,
      color: '#44546a',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '2px',
      'text-rotation': 'autorotate',
    },
  },
  { selector: 'edge:selected', style: { 'line-color': '#1d4ed8', 'target-arrow-color': '#1d4ed8' } },
  { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#1d4ed8' } },
];

const kMaxFitZoom = 1.4;

/** Draws `subgraph` into `container` and returns the Cytoscape instance (destroy it on leave). */
export function drawSubgraph(
  container: HTMLElement,
  subgraph: Subgraph,
  subject: string,
  onSelect: (text: string) => void,
): cytoscape.Core {
  const nodes = new Set(subgraph.nodes ?? []);
  for (const edge of subgraph.edges ?? []) {
    if (edge.from) nodes.add(edge.from);
    if (edge.to) nodes.add(edge.to);
  }
  const amounts = (subgraph.edges ?? []).map((edge) => edge.amount_usd ?? 0);
  const largest = Math.max(1, ...amounts);
  const elements: cytoscape.ElementDefinition[] = [...nodes].map((id) => ({
    data: { id: 'n:' + id, label: id, account: id },
    classes: id === subject ? 'subject' : '',
  }));
  (subgraph.edges ?? []).forEach((edge, index) => {
    if (!edge.from || !edge.to) return;
    elements.push({
      data: {
        id: `e:${index}`,
        source: 'n:' + edge.from,
        target: 'n:' + edge.to,
        label: usd(edge.amount_usd),
        weight: 1 + 4 * Math.sqrt((edge.amount_usd ?? 0) / largest),
        text: `${edge.from} → ${edge.to}: ${usd(edge.amount_usd)}${edge.time ? ' at ' + edge.time : ''}${
          edge.transaction_id ? ' (' + edge.transaction_id + ')' : ''
        }`,
      },
    });
  });
  const cy = cytoscape({
    container,
    elements,
    style: kStyle,
    layout: { name: 'dagre', rankDir: 'LR', nodeSep: 40, rankSep: 190, fit: true, padding: 30 } as cytoscape.LayoutOptions,
    wheelSensitivity: 0.3,
    minZoom: 0.2,
    maxZoom: 3,
  });
  // A small graph is fitted at a large zoom, and its labels with it: not much beyond 1:1.
  if (cy.zoom() > kMaxFitZoom) {
    cy.zoom(kMaxFitZoom);
    cy.center();
  }
  cy.on('tap', 'node, edge', (event) => {
    const target = event.target as cytoscape.SingularElementReturnValue;
    const account = target.data('account') as string | undefined;
    onSelect(account ? `account ${account}` : String(target.data('text')));
  });
  container.dataset.nodes = String(cy.nodes().length);
  container.dataset.edges = String(cy.edges().length);
  return cy;
}
