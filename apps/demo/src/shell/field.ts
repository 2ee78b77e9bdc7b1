/**
 * Validated number fields. A field never silently replaces what the user typed: an invalid entry
 * (empty, not a number, outside [min, max], not an integer where one is needed) marks the field
 * invalid (`aria-invalid`, red outline), shows a message under it that names the setting, the
 * value and the allowed range, and keeps the last good value in force (so training continues
 * with it). Listeners hear only valid values.
 */
import { h } from './dom.js';
import { formatNumber } from './format.js';

/** Options of {@link numberField}. */
export interface NumberFieldOptions {
  /** The setting's name, shown as the label and in messages. */
  label: string;
  value: number;
  min: number;
  max: number;
  /** The input's step (default: 1 for integers, else "any"). */
  step?: number;
  integer?: boolean;
  /** `data-testid` of the input (its message gets `<testid>-error`). */
  testid?: string;
  /** Extra check on a value within range: return a message to refuse it. */
  check?: (value: number) => string | undefined;
  /** Shown after the label, e.g. a unit. */
  hint?: string;
}

/** A labelled number input with validation. */
export interface NumberField {
  element: HTMLElement;
  input: HTMLInputElement;
  /** The last valid value. */
  value(): number;
  /** Whether the text in the input is currently valid. */
  valid(): boolean;
  /** Sets the value (programmatically; must be valid) without notifying listeners. */
  set(value: number): void;
  /** Calls `listener` with each new valid value (on `change`). */
  onChange(listener: (value: number) => void): void;
}

/** Why `text` is not acceptable for `options`, or undefined when it is. */
export function fieldProblem(text: string, options: NumberFieldOptions): string | undefined {
  const trimmed = text.trim();
  const range = `${formatNumber(options.min)} to ${formatNumber(options.max)}`;
  if (trimmed === '') return `${options.label}: enter a number from ${range}`;
  const value = Number(trimmed);
  if (!Number.isFinite(value))
    return `${options.label}: '${trimmed}' is not a number (use ${range})`;
  if (value < options.min || value > options.max) {
    return `${options.label}: ${formatNumber(value)} is outside ${range}`;
  }
  if (options.integer === true && !Number.isInteger(value)) {
    return `${options.label}: ${formatNumber(value)} is not a whole number (use ${range})`;
  }
  return options.check?.(value);
}

/** Builds a validated number field. */
export function numberField(options: NumberFieldOptions): NumberField {
  const problem = fieldProblem(String(options.value), options);
  if (problem !== undefined) throw new Error(`numberField: default value refused: ${problem}`);
  const step = options.step ?? (options.integer === true ? 1 : undefined);
  const attributes: Record<string, string> = {
    // type=text keeps what was typed visible ("abc" stays "abc" rather than becoming empty).
    type: 'text',
    inputmode: options.integer === true && options.min >= 0 ? 'numeric' : 'decimal',
    value: String(options.value),
    'data-min': String(options.min),
    'data-max': String(options.max),
    'aria-invalid': 'false',
    autocomplete: 'off',
    spellcheck: 'false',
    size: '7',
  };
  if (step !== undefined) attributes['data-step'] = String(step);
  if (options.testid !== undefined) attributes['data-testid'] = options.testid;
  const input = h('input', attributes);
  const message = h('span', {
    class: 'field-error',
    role: 'alert',
    'aria-live': 'polite',
    ...(options.testid !== undefined ? { 'data-testid': `${options.testid}-error` } : {}),
  });
  message.hidden = true;
  const element = h(
    'label',
    { class: 'control field' },
    h('span', {}, options.label, options.hint !== undefined ? ` ${options.hint}` : ''),
    input,
    message,
  );
  let current = options.value;
  const listeners: ((value: number) => void)[] = [];
  const showProblem = (text: string | undefined) => {
    input.setAttribute('aria-invalid', String(text !== undefined));
    element.classList.toggle('invalid', text !== undefined);
    message.textContent = text ?? '';
    message.hidden = text === undefined;
  };
  const validate = (notify: boolean) => {
    const text = fieldProblem(input.value, options);
    showProblem(text);
    if (text !== undefined) return;
    const value = Number(input.value.trim());
    if (value === current) return;
    current = value;
    if (notify) for (const listener of listeners) listener(value);
  };
  input.addEventListener('input', () => showProblem(fieldProblem(input.value, options)));
  input.addEventListener('change', () => validate(true));
  input.addEventListener('keydown', (event) => {
    if (step === undefined || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    event.preventDefault();
    const next = current + (event.key === 'ArrowUp' ? step : -step);
    const clamped = Math.min(options.max, Math.max(options.min, Number(next.toPrecision(12))));
    input.value = String(clamped);
    validate(true);
  });
  return {
    element,
    input,
    value: () => current,
    valid: () => fieldProblem(input.value, options) === undefined,
    set(value) {
      const text = fieldProblem(String(value), options);
      if (text !== undefined) throw new Error(`numberField.set: ${text}`);
      current = value;
      input.value = String(value);
      showProblem(undefined);
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
