import type { ReactNode } from 'react';
import {
  FieldError,
  Label,
  Text,
  TextArea as AriaTextArea,
  TextField as AriaTextField,
  type TextFieldProps as AriaTextFieldProps,
} from 'react-aria-components/TextField';

export interface TextAreaProps extends Omit<AriaTextFieldProps, 'className' | 'children' | 'id' | 'name'> {
  id: string;
  name: string;
  label: string;
  description?: ReactNode;
  /** A message of the caller's own (with `isInvalid`), in place of the field's own validation message. */
  errorMessage?: string | null;
  rows?: number;
}

/** A labelled multi-line text input, with its hint and error like the single-line field. */
export function TextArea({ id, label, description, errorMessage, rows = 4, ...props }: TextAreaProps) {
  return (
    <AriaTextField {...props} id={id} className="field">
      <Label className="field__label">{label}</Label>
      {description ? (
        <Text slot="description" className="field__hint">
          {description}
        </Text>
      ) : null}
      <FieldError className="field__error">{errorMessage ?? undefined}</FieldError>
      <AriaTextArea className="field__input field__input--textarea" rows={rows} />
    </AriaTextField>
  );
}
