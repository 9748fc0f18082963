from decimal import Decimal

import pytest

from orderbridge.domain.errors import CurrencyMismatchError, DomainError, InvalidValueError
from orderbridge.domain.money import Money, minor_unit_exponent


def test_arithmetic_stays_in_minor_units() -> None:
    price = Money(19000, "UAH")
    assert price + Money(500, "UAH") == Money(19500, "UAH")
    assert price - Money(20000, "UAH") == Money(-1000, "UAH")
    assert price * 3 == Money(57000, "UAH")
    assert 3 * price == Money(57000, "UAH")
    assert -price == Money(-19000, "UAH")


def test_total_sums_and_names_the_currency_of_an_empty_sum() -> None:
    assert Money.total([Money(100, "EUR"), Money(250, "EUR")], "EUR") == Money(350, "EUR")
    assert Money.total([], "EUR") == Money.zero("EUR")
    assert Money.zero("EUR").is_zero()


@pytest.mark.parametrize(
    "combine",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
)
def test_mixing_currencies_raises_currency_mismatch(combine: object) -> None:
    with pytest.raises(CurrencyMismatchError) as caught:
        combine(Money(100, "UAH"), Money(100, "EUR"))  # type: ignore[operator]
    assert caught.value.code == "currency_mismatch"


def test_total_refuses_a_foreign_amount() -> None:
    with pytest.raises(CurrencyMismatchError):
        Money.total([Money(100, "UAH"), Money(1, "USD")], "UAH")


def test_amounts_in_different_currencies_are_simply_not_equal() -> None:
    assert Money(100, "UAH") != Money(100, "EUR")


def test_comparisons_within_one_currency() -> None:
    small, big = Money(100, "UAH"), Money(200, "UAH")
    assert small < big <= big
    assert big > small >= small
    assert max(small, big) is big


@pytest.mark.parametrize("amount", [1.5, True, "100", Decimal(1)])
def test_amount_must_be_an_integer(amount: object) -> None:
    with pytest.raises(InvalidValueError):
        Money(amount, "UAH")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["uah", "UA", "UAHH", "", "₴"])
def test_currency_must_be_an_iso_code(currency: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        Money(100, currency)
    assert caught.value.code == "invalid_currency"


@pytest.mark.parametrize("factor", [1.5, True])
def test_multiplying_by_a_non_integer_is_refused(factor: object) -> None:
    with pytest.raises(InvalidValueError):
        Money(100, "UAH") * factor  # type: ignore[operator]


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money(19000, "UAH"), "190.00 UAH"),
        (Money(5, "USD"), "0.05 USD"),
        (Money(-1999, "EUR"), "-19.99 EUR"),
        (Money(500, "JPY"), "500 JPY"),
        (Money(1234, "KWD"), "1.234 KWD"),
        (Money(0, "UAH"), "0.00 UAH"),
    ],
)
def test_format_uses_the_currency_exponent(money: Money, text: str) -> None:
    assert money.format() == text
    assert str(money) == text


def test_minor_unit_exponents() -> None:
    assert minor_unit_exponent("UAH") == 2
    assert minor_unit_exponent("JPY") == 0
    assert minor_unit_exponent("BHD") == 3


@pytest.mark.parametrize(
    ("value", "currency", "minor"),
    [("12.50", "EUR", 1250), ("190", "UAH", 19000), ("500", "JPY", 500), ("0.001", "KWD", 1)],
)
def test_from_decimal_converts_major_units_exactly(value: str, currency: str, minor: int) -> None:
    money = Money.from_decimal(value, currency)
    assert money == Money(minor, currency)
    assert money.to_decimal() == Decimal(value)


@pytest.mark.parametrize(("value", "currency"), [("12.505", "EUR"), ("1.5", "JPY"), ("abc", "EUR")])
def test_from_decimal_refuses_to_round(value: str, currency: str) -> None:
    with pytest.raises(InvalidValueError):
        Money.from_decimal(value, currency)


def test_money_is_immutable_and_hashable() -> None:
    price = Money(100, "UAH")
    with pytest.raises(AttributeError):
        price.amount = 5  # type: ignore[misc]
    assert {price, Money(100, "UAH")} == {price}


def test_domain_errors_carry_code_message_and_field() -> None:
    error = InvalidValueError("bad phone", field="customer.phone", code="invalid_phone")
    assert error.as_dict() == {
        "code": "invalid_phone",
        "message": "bad phone",
        "field": "customer.phone",
    }
    assert InvalidValueError("x").code == "invalid_value"
    assert isinstance(error, DomainError)
