// form-js (editor and viewer) with its styles, loaded on demand: the Forms and Merged form tabs need it, opening the
// diagram does not.
import "@bpmn-io/form-js/dist/assets/form-js.css";
import "@bpmn-io/form-js/dist/assets/form-js-editor.css";
import "@bpmn-io/form-js/dist/assets/properties-panel.css";

export { Form, FormEditor } from "@bpmn-io/form-js";
