// Types for the parts of the bpmn.io properties panel packages the designer uses (they ship JavaScript only).

declare module "bpmn-js-properties-panel" {
  export const BpmnPropertiesPanelModule: import("didi").ModuleDeclaration;
  export const BpmnPropertiesProviderModule: import("didi").ModuleDeclaration;
  export function useService<T = unknown>(name: string): T;
}

declare module "@bpmn-io/properties-panel" {
  /** A rendered entry (a Preact virtual node); only passed back to the panel. */
  export type EntryNode = unknown;

  export interface TextFieldProps {
    element: unknown;
    id: string;
    label: string;
    description?: string;
    placeholder?: string;
    getValue: (element: unknown) => string;
    setValue: (value: string | undefined, error?: string | null) => void;
    debounce: unknown;
    validate?: (value: string | undefined) => string | null | undefined;
  }
  export function TextFieldEntry(props: TextFieldProps): EntryNode;

  export interface SelectProps {
    element: unknown;
    id: string;
    label: string;
    description?: string;
    getValue: (element: unknown) => string;
    setValue: (value: string) => void;
    getOptions: (element: unknown) => Array<{ value: string; label: string; disabled?: boolean }>;
  }
  export function SelectEntry(props: SelectProps): EntryNode;

  export function isTextFieldEntryEdited(node: unknown): boolean;
  export function isSelectEntryEdited(node: unknown): boolean;
  export const Group: unknown;
}
