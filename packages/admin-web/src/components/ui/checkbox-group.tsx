import type { ReactNode } from 'react';
import { Checkbox, CheckboxGroup as AriaCheckboxGroup, FieldError, Label, Text } from 'react-aria-components/CheckboxGroup';

export interface CheckboxOption<T extends string> {
  value: T;
  label: ReactNode;
  description?: ReactNode;
}

export interface CheckboxGroupProps<T extends string> {
  /** The first checkbox's id: the error summary links to it. */
  id: string;
  name: string;
  label: ReactNode;
  description?: ReactNode;
  options: readonly CheckboxOption<T>[];
  value: readonly T[];
  onChange: (value: T[]) => void;
  isRequired?: boolean;
}

/** Several choices from a short list (roles, scopes), each a labelled checkbox. */
export function CheckboxGroup<T extends string>({ id, name, label, description, options, value, onChange, isRequired }: CheckboxGroupProps<T>) {
  return (
    <AriaCheckboxGroup
      name={name}
      value={[...value]}
      onChange={(next) => onChange(next as T[])}
      isRequired={isRequired}
      className="field radio-group"
    >
      <Label className="field__label">{label}</Label>
      {description ? (
        <Text slot="description" className="field__hint">
          {description}
        </Text>
      ) : null}
      <FieldError className="field__error" />
      <div className="radio-group__options">
        {options.map((option, index) => (
          <Checkbox key={option.value} value={option.value} id={index === 0 ? id : undefined} className="radio checkbox">
            <span className="radio__label">{option.label}</span>
            {option.description ? <span className="radio__description">{option.description}</span> : null}
          </Checkbox>
        ))}
      </div>
    </AriaCheckboxGroup>
  );
}
