import { html, nothing, type TemplateResult } from 'lit';

export interface PanelField {
  id: string;
  label: string;
  name: string;
  maxlength?: number;
  required?: boolean;
  /** Usernames: no capitals, autocomplete or spellcheck. */
  usernames?: boolean;
  /** The value to start from (editing). */
  value?: string;
}

export interface PanelFormOptions {
  /** The form's `id`, for a toggle's `aria-controls`. */
  id?: string;
  /** The form's part and accessible name. */
  part: string;
  label: string;
  fields: PanelField[];
  /** Shown between the fields and the submit button (checkboxes). */
  extra?: TemplateResult;
  submitPart: string;
  submitText: string;
  busy: boolean;
  /** Shown after the button: the action's alert, a status. */
  after?: unknown;
  onSubmit: (event: SubmitEvent) => void;
}

/** The small forms of the panels (add a contact, create a group, invite, edit a group): one template. */
export function panelForm(o: PanelFormOptions) {
  return html`<form
    id=${o.id ?? nothing}
    part=${o.part}
    class="panel-form"
    aria-label=${o.label}
    @submit=${o.onSubmit}
  >
    ${o.fields.map(
      (f) =>
        html`<label for=${f.id}>${f.label}</label>
          <input
            part="input"
            id=${f.id}
            name=${f.name}
            .value=${f.value ?? ''}
            maxlength=${f.maxlength ?? nothing}
            ?required=${f.required}
            autocapitalize=${f.usernames ? 'none' : nothing}
            autocomplete=${f.usernames ? 'off' : nothing}
            spellcheck=${f.usernames ? 'false' : nothing}
          />`,
    )}
    ${o.extra ?? nothing}
    <button part=${o.submitPart} class="primary" aria-disabled=${o.busy ? 'true' : 'false'}>
      ${o.submitText}
    </button>
    ${o.after ?? nothing}
  </form>`;
}
