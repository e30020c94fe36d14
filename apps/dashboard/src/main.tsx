import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The base styles first, so that the pages' own style sheets come after them in the bundle.
import './styles.css';
import { App } from './app/app';

const root = document.getElementById('root');
if (!root) throw new Error('the page has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
