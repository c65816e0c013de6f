"""The made-up documents and workspace files the agent task benchmark asks about.

Every fact a task needs is a constant here, written once: the documents are formatted from
these constants and the tasks compute their expected answers from the same constants, so a
document and its expected answer cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

# Hollowbrook Ceramics: a small pottery maker.
HOLLOWBROOK_FOUNDED = 2011
HOLLOWBROOK_STAFF = 64
HOLLOWBROOK_REVENUE = 3_870_000
HOLLOWBROOK_CEO = "Oriel Bastable"
HOLLOWBROOK_TOWN = "Tarnwick"

# Quenby Textiles: a weaving mill.
QUENBY_FOUNDED = 1998
QUENBY_STAFF = 112
QUENBY_REVENUE = 9_415_000
QUENBY_TOWN = "Ellerby Cross"

# The Fenwick R7 electric bike.
BIKE_BATTERY_WH = 630
BIKE_RANGE_KM = 85
BIKE_PRICE = 2_749
BIKE_WEIGHT_KG = 23.4
BIKE_FRAME_WARRANTY_YEARS = 3
BIKE_BATTERY_WARRANTY_YEARS = 2

# The Marrowgate Logistics travel policy.
MEAL_ALLOWANCE = 38
HOTEL_CAP = 145
MILEAGE_RATE = 0.32
CLAIM_DAYS = 30
APPROVAL_ABOVE = 500

DOCUMENTS = {
    "hollowbrook-ceramics.md": f"""# Hollowbrook Ceramics: company profile

Hollowbrook Ceramics makes glazed stoneware tableware in {HOLLOWBROOK_TOWN}.
The company was founded in {HOLLOWBROOK_FOUNDED} by two potters who met at art school.
Its chief executive is {HOLLOWBROOK_CEO}.
Hollowbrook employs {HOLLOWBROOK_STAFF} people and runs five gas kilns.
Revenue in 2025 was {HOLLOWBROOK_REVENUE:,} euros, most of it from restaurant orders.
""",
    "quenby-textiles.md": f"""# Quenby Textiles: company profile

Quenby Textiles is a weaving mill based in {QUENBY_TOWN}.
It was founded in {QUENBY_FOUNDED} and weaves wool blankets and upholstery cloth.
Quenby Textiles has {QUENBY_STAFF} employees working in two shifts.
Revenue in 2025 was {QUENBY_REVENUE:,} euros.
""",
    "fenwick-r7.md": f"""# Fenwick R7 electric bike: product sheet

The Fenwick R7 is a touring e-bike with a {BIKE_BATTERY_WH} Wh battery.
Its rated range is {BIKE_RANGE_KM} km on the eco setting.
The bike weighs {BIKE_WEIGHT_KG} kg and its list price is {BIKE_PRICE:,} euros.
The frame has a {BIKE_FRAME_WARRANTY_YEARS}-year warranty; the battery has a \
{BIKE_BATTERY_WARRANTY_YEARS}-year warranty.
""",
    "marrowgate-travel-policy.md": f"""# Marrowgate Logistics travel policy

Staff travelling on business get a meal allowance of {MEAL_ALLOWANCE} euros per day.
Hotels are reimbursed up to {HOTEL_CAP} euros per night.
Driving a private car is reimbursed at {MILEAGE_RATE:.2f} euros per kilometre.
Expense claims must be submitted within {CLAIM_DAYS} days of the trip.
Any single expense above {APPROVAL_ABOVE} euros needs the line manager's approval first.
""",
}

# The workspace: a sales table, a to-do list and a meeting note in a sub-folder.
SALES = {"north": (120, 19.5), "south": (85, 22.0), "east": (143, 18.75), "west": (97, 21.25)}
TODO = ["Renew the parking permit", "Book the dentist", "Return the library books", "Water plants"]
MEETING_OWNER = "Petra Lindqvist"


def sales_csv() -> str:
    rows = [f"{region},{units},{price}" for region, (units, price) in SALES.items()]
    return "\n".join(["region,units,unit_price", *rows]) + "\n"


WORKSPACE = {
    "sales.csv": sales_csv(),
    "todo.md": "# To do\n\n" + "".join(f"- {item}\n" for item in TODO),
    "notes/meeting.txt": (
        "Planning meeting, Tuesday.\n"
        "Decision: move the stock count to the first week of the month.\n"
        f"Owner of the follow-up: {MEETING_OWNER}.\n"
    ),
}
# Files a task asks the agent to create; removed before each task so a pass is never stale.
WRITTEN_BY_TASKS = ("shopping.txt", "squares.csv")


def write_corpus(data_dir: Path) -> int:
    """Write the documents into ``data_dir``'s inbox and the files into its workspace;
    returns the number of documents to wait for."""
    inbox = data_dir / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for name, text in DOCUMENTS.items():
        (inbox / name).write_text(text, encoding="utf-8")
    workspace = data_dir / "workspace"
    for name, text in WORKSPACE.items():
        (workspace / name).parent.mkdir(parents=True, exist_ok=True)
        (workspace / name).write_text(text, encoding="utf-8")
    return len(DOCUMENTS)
