import { createRoot } from 'react-dom/client';
import { Popup } from '../../components/Popup';
import '../../components/pages.css';

createRoot(document.getElementById('root')!).render(<Popup />);
