import type { ReactNode } from 'react';
import {
  FieldError,
  Input,
  Label,
  Text,
  TextField as AriaTextField,
  type TextFieldProps as AriaTextFieldProps,
} from 'react-aria-components/TextField';

export interface TextFieldProps extends Omit<AriaTextFieldProps, 'className' | 'children' | 'id' | 'name'> {
  /** The input's id: the error summary links to it. */
  id: string;
  /** The key of this field in a form's validationErrors and in problem+json `errors[].path`. */
  name: string;
  label: string;
  description?: ReactNode;
  /** A message of the caller's own (with `isInvalid`), in place of the field's own validation message. */
  errorMessage?: string | null;
  /** Width hint in characters, for fields whose answers are short (codes). */
  width?: 'code' | 'full';
  placeholder?: never;
}

/** A labelled text input with an optional hint and its error shown right beneath the label. */
export function TextField({ id, label, description, errorMessage, width = 'full', ...props }: TextFieldProps) {
  return (
    <AriaTextField {...props} id={id} className="field">
      <Label className="field__label">{label}</Label>
      {description ? (
        <Text slot="description" className="field__hint">
          {description}
        </Text>
      ) : null}
      <FieldError className="field__error">{errorMessage ?? undefined}</FieldError>
      <Input className={`field__input field__input--${width}`} />
    </AriaTextField>
  );
}
