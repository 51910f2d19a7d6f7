import type { ReactNode } from 'react';
import {
  Button,
  FieldError,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select as AriaSelect,
  SelectValue,
  Text,
  type SelectProps as AriaSelectProps,
} from 'react-aria-components/Select';

export interface SelectOption<T extends string> {
  value: T;
  label: string;
}

export interface SelectProps<T extends string>
  extends Omit<AriaSelectProps<object>, 'className' | 'children' | 'id' | 'name' | 'value' | 'onChange' | 'selectedKey' | 'onSelectionChange'> {
  /** The trigger button's id: the error summary links to it. */
  id: string;
  name: string;
  label: string;
  description?: ReactNode;
  options: readonly SelectOption<T>[];
  value: T | null;
  onChange: (value: T) => void;
  placeholder?: string;
}

/** Pick one of a list: a button that opens a list box (type-ahead, arrow keys, Escape). */
export function Select<T extends string>({
  id,
  name,
  label,
  description,
  options,
  value,
  onChange,
  placeholder = 'Choose…',
  ...props
}: SelectProps<T>) {
  return (
    <AriaSelect
      {...props}
      name={name}
      placeholder={placeholder}
      value={value}
      onChange={(key) => {
        if (key !== null) onChange(String(key) as T);
      }}
      className="field select"
    >
      <Label className="field__label">{label}</Label>
      {description ? (
        <Text slot="description" className="field__hint">
          {description}
        </Text>
      ) : null}
      <FieldError className="field__error" />
      <Button id={id} className="field__input select__trigger">
        <SelectValue className="select__value" />
        <span className="select__chevron" aria-hidden="true">
          ▾
        </span>
      </Button>
      <Popover className="select__popover" offset={4}>
        <ListBox className="select__list" items={options.map((o) => ({ id: o.value, label: o.label }))}>
          {(item) => (
            <ListBoxItem id={item.id} className="select__option" textValue={item.label}>
              {item.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </AriaSelect>
  );
}
