"""Halls, tables and customers of the demo account, so the reference's examples work.

Ids come from the reference: halls 3 and 5 (spots.getSpotTablesHalls), tables 1, 3, 4
(createReservation, getTableHallTables) and 41 (payments.getOpenTransactionsOnTable),
customers 2, 3, 4, 6, 7, 38, 50, 54, 55, 68
(clients.*, transactions.*, franchise.*) and 4985, the customer its reservation
examples attach by phone +380684112224. The createIncomingOrder example's phone
(+380680000000) and createClient's (+380519911122) are deliberately nobody's, so those
examples answer as the reference shows (``client_id`` 0, a new customer).
"""

from __future__ import annotations

from orderbridge.sandboxes.poster.methods.clients import phone_digits
from orderbridge.sandboxes.poster.state import Account, Client, Hall, Table

MODIFIED = "2017-06-22 13:54:58"

# client_id, lastname, firstname, phone, email, sex, birthday, group, bonus, paid, since
_CLIENTS: tuple[tuple[int, str, str, str, str, int, str, int, int, int, str], ...] = (
    (
        2,
        "Коваленко",
        "Олена",
        "+380 67 210 11 02",
        "olena.k@example.com",
        2,
        "1990-04-12",
        1,
        0,
        125000,
        "2017-02-01 10:12:00",
    ),
    (3, "Шевчук", "Андрій", "+380 67 210 11 03", "", 1, "", 2, 0, 48000, "2017-02-03 18:40:00"),
    (
        4,
        "Бондар",
        "Ірина",
        "+380 50 310 22 04",
        "iryna@example.com",
        2,
        "1985-11-23",
        3,
        2500,
        310000,
        "2017-03-15 09:05:00",
    ),
    (6, "Мельник", "Тарас", "+380 93 410 33 06", "", 1, "", 1, 0, 0, "2017-04-20 12:00:00"),
    (
        7,
        "Ткаченко",
        "Марія",
        "+380 63 510 44 07",
        "maria.t@example.com",
        2,
        "1995-07-30",
        2,
        0,
        92000,
        "2017-05-02 14:25:00",
    ),
    (
        38,
        "Попова",
        "Елена",
        "+380 50 11-11-111",
        "contact@joinposter.com",
        2,
        "1986-11-23",
        7,
        0,
        417000,
        "2016-04-23 05:14:26",
    ),
    (50, "Кравець", "Сергій", "+380 97 610 55 50", "", 1, "", 1, 0, 0, "2017-08-08 08:08:08"),
    (54, "Вася", "", "+7 977 345-34-45", "sdfs@ffy.hu", 0, "", 2, 10000, 0, "2017-10-09 11:39:59"),
    (
        55,
        "Антон",
        "",
        "+7 963 031-38-44",
        "bezmuki@gmail.com",
        0,
        "",
        3,
        10000,
        0,
        "2017-10-09 15:28:14",
    ),
    (68, "Олійник", "Дмитро", "+380 66 710 66 68", "", 1, "", 1, 0, 36000, "2017-11-01 19:30:00"),
    (
        4985,
        "Иванов",
        "Владимир",
        "+380 68 411 22 24",
        "example@gmail.com",
        2,
        "1996-08-26",
        1,
        0,
        0,
        "2018-03-01 12:00:00",
    ),
)


def seed_places(account: Account) -> None:
    """Add halls and tables to spots 1 and 2 (those present) and the demo customers."""
    halls = [
        Hall(hall_id=3, hall_name="Зала на Подолі", spot_id=1, hall_order=1),
        Hall(hall_id=4, hall_name="Тераса", spot_id=1, hall_order=2),
        Hall(hall_id=5, hall_name="Зала на Печерську", spot_id=2, hall_order=3),
    ]
    for hall in halls:
        if hall.spot_id in account.spots:
            hall.last_modified_time = MODIFIED
            account.halls[hall.hall_id] = hall
    # table_id, number, title, spot, hall, shape, seats, x, y
    tables = [
        (1, "1", "Біля вікна", 1, 3, "square", 2, 2, 2),
        (2, "2", "Біля вікна", 1, 3, "square", 2, 2, 8),
        (3, "3", "Біля барної стійки", 1, 3, "square", 4, 9, 12),
        (4, "4", "Дальній", 1, 3, "circle", 6, 15, 11),
        (6, "5", "На терасі", 1, 4, "circle", 4, 3, 3),
        (10, "1", "Біля входу", 2, 5, "square", 2, 2, 2),
        (11, "2", "Центральний", 2, 5, "square", 4, 8, 2),
        (12, "3", "Диван", 2, 5, "circle", 6, 14, 2),
        # payments.getOpenTransactionsOnTable's example asks for table 41.
        (41, "41", "Біля каміна", 2, 5, "square", 4, 2, 9),
    ]
    for table_id, num, title, spot_id, hall_id, shape, seats, x, y in tables:
        if spot_id in account.spots:
            account.tables[table_id] = Table(
                table_id=table_id,
                table_num=num,
                table_title=title,
                spot_id=spot_id,
                hall_id=hall_id,
                table_shape=shape,
                table_seats=seats,
                table_x=x,
                table_y=y,
                table_height=4 if shape == "square" else 6,
                table_width=4 if shape == "square" else 6,
            )
    for cid, last, first, phone, email, sex, birthday, group, bonus, paid, since in _CLIENTS:
        account.clients[cid] = Client(
            client_id=cid,
            lastname=last,
            firstname=first,
            phone=phone,
            phone_number=phone_digits(phone),
            email=email,
            sex=sex,
            birthday=birthday,
            client_groups_id=group,
            bonus=bonus,
            total_payed_sum=paid,
            date_activale=since,
            card_number="0000000000222" if cid == 38 else "",
        )
    account.bump_counter("hall", max(account.halls, default=0))
    account.bump_counter("table", max(account.tables, default=0))
    account.bump_counter("client", max(account.clients, default=0))
