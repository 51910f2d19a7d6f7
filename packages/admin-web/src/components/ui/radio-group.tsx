import type { ReactNode } from 'react';
import {
  FieldError,
  Label,
  Radio,
  RadioGroup as AriaRadioGroup,
  Text,
  type RadioGroupProps as AriaRadioGroupProps,
} from 'react-aria-components/RadioGroup';

export interface RadioOption<T extends string> {
  value: T;
  label: ReactNode;
  description?: ReactNode;
}

export interface RadioGroupProps<T extends string>
  extends Omit<AriaRadioGroupProps, 'className' | 'children' | 'id' | 'name' | 'value' | 'onChange'> {
  /** The group's id: the error summary links to it (focus lands on its selected or first radio). */
  id: string;
  /** The key of this field in a form's validationErrors and in problem+json `errors[].path`. */
  name: string;
  label: ReactNode;
  description?: ReactNode;
  options: readonly RadioOption<T>[];
  value: T | null;
  onChange: (value: T) => void;
  /** Side by side (short answers like Yes / No / Not sure) or one under another. */
  layout?: 'inline' | 'stacked';
}

/** A labelled set of choices; arrow keys move between them, Tab leaves the group. */
export function RadioGroup<T extends string>({
  id,
  label,
  description,
  options,
  value,
  onChange,
  layout = 'stacked',
  ...props
}: RadioGroupProps<T>) {
  return (
    <AriaRadioGroup
      {...props}
      value={value}
      onChange={(next) => onChange(next as T)}
      className={`field radio-group radio-group--${layout}`}
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
          <Radio
            key={option.value}
            value={option.value}
            // The summary's link target: the first radio stands for the group.
            id={index === 0 ? id : undefined}
            className="radio"
          >
            <span className="radio__label">{option.label}</span>
            {option.description ? <span className="radio__description">{option.description}</span> : null}
          </Radio>
        ))}
      </div>
    </AriaRadioGroup>
  );
}
