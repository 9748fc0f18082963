import pytest

from orderbridge.domain.customers import Customer, is_e164
from orderbridge.domain.errors import InvalidValueError


@pytest.mark.parametrize("phone", ["+380671234567", "+14155552671", "+4930123456"])
def test_e164_phones_are_accepted(phone: str) -> None:
    assert Customer(name="Олена", phone=phone).phone == phone
    assert is_e164(phone)


@pytest.mark.parametrize("phone", ["0671234567", "+380 67 123 45 67", "+0671234567", "+12", ""])
def test_other_phone_forms_are_refused_with_a_field_path(phone: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        Customer(phone=phone)
    assert (caught.value.code, caught.value.field) == ("invalid_phone", "customer.phone")


@pytest.mark.parametrize("email", ["olena", "olena@", "a b@example.com", "@example.com"])
def test_malformed_emails_are_refused(email: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        Customer(email=email)
    assert (caught.value.code, caught.value.field) == ("invalid_email", "customer.email")


def test_contacts_are_optional() -> None:
    assert Customer() == Customer(name="", phone=None, email=None)


def test_redacted_copy_keeps_no_contacts() -> None:
    olena = Customer(name="Олена", phone="+380671234567", email="olena@example.com")
    assert olena.redacted() == Customer(name="О…")
    assert olena.phone_tail == "4567"
    assert Customer().phone_tail == ""
