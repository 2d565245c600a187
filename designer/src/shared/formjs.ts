// The form-js viewer for the merged form and for supplementation: renders a schema, validates like the server, and shows
// the server's field errors (keyed by field key) on their fields (form-js keys its errors by field id).
import { Form } from "@bpmn-io/form-js-viewer";
import "@bpmn-io/form-js-viewer/dist/assets/form-js.css";
import "@bpmn-io/form-js-viewer/dist/assets/flatpickr/light.css";
import type { FormComponent, FormSchema } from "./domain";

export interface FormHandle {
  form: Form;
  /** Runs form-js validation; the data when valid, null when the form shows errors. */
  submit(): { data: Record<string, unknown>; valid: boolean };
  /** Shows server errors on their fields; returns the errors that belong to no field of this form. */
  showServerErrors(errors: Record<string, string[]>): Record<string, string[]>;
  /** The label of a field key (for messages), or the key itself. */
  labelOf(key: string): string;
  destroy(): void;
}

/** Every component with a key, groups and dynamic lists flattened. */
export function keyedComponents(schema: FormSchema): FormComponent[] {
  const found: FormComponent[] = [];
  const walk = (components: FormComponent[] | undefined) => {
    for (const component of components ?? []) {
      if (component.key) found.push(component);
      walk(component.components);
    }
  };
  walk(schema.components);
  return found;
}

/** A schema with only the given fields, in their order in the original (for a supplementation request). */
export function subsetSchema(schema: FormSchema, keys: string[]): FormSchema {
  const wanted = new Set(keys);
  const components = keyedComponents(schema)
    .filter((c) => c.key && wanted.has(c.key))
    // Conditions and layout refer to fields that are not in the subset.
    .map(({ conditional: _conditional, layout: _layout, ...rest }) => rest as FormComponent);
  return { type: "default", id: `${schema.id ?? "form"}-supplement`, components };
}

export async function renderForm(container: HTMLElement, schema: FormSchema, data: Record<string, unknown> = {}): Promise<FormHandle> {
  // Every keystroke goes to the form's data at once: with form-js's default 300 ms debounce, a re-render that lands
  // inside that window (a condition re-evaluated, autofill) can wipe text the citizen has just typed.
  const form = new Form({ container, debounce: false } as ConstructorParameters<typeof Form>[0]);
  await form.importSchema(schema as never, data);
  const components = keyedComponents(schema);
  const idOf = new Map(components.map((c) => [c.key!, c.id ?? c.key!]));
  const labelOf = (key: string) => components.find((c) => c.key === key)?.label ?? key;

  return {
    form,
    submit() {
      const result = form.submit();
      const valid = Object.keys(result.errors ?? {}).length === 0;
      if (!valid) focusFirstError(container);
      return { data: result.data as Record<string, unknown>, valid };
    },
    showServerErrors(errors) {
      const onFields: Record<string, string[]> = {};
      const elsewhere: Record<string, string[]> = {};
      for (const [field, messages] of Object.entries(errors)) {
        // "data.childName" and "childName" both name the field childName.
        const key = field.replace(/^data\./, "");
        const id = idOf.get(key);
        if (id) onFields[id] = messages;
        else elsewhere[field] = messages;
      }
      form._setState({ errors: onFields });
      if (Object.keys(onFields).length > 0) focusFirstError(container);
      return elsewhere;
    },
    labelOf,
    destroy() {
      form.destroy();
    },
  };
}

function focusFirstError(container: HTMLElement): void {
  // form-js renders after the state change; wait for it.
  window.requestAnimationFrame(() => {
    const invalid = container.querySelector<HTMLElement>(".fjs-has-errors input, .fjs-has-errors select, .fjs-has-errors textarea, [aria-invalid='true']");
    invalid?.focus();
  });
}
