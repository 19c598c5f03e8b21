"""A class on the Challenges page: the teacher's view, the projector's, a student's own page, joining.

Addresses (all on the Challenges page): ``?class=<id>`` to join; ``?class=<id>&me=<token>`` a
student's personal address; ``?class=<id>&key=<key>`` the teacher's (the key stays in the address
bar, so a reload keeps the teacher in); ``?class=<id>&view=projector`` read-only, no key, no hidden
students or entries. The database is reached through ``ui/board_connection.py``; whatever goes
wrong with it, the page says what and the Playground and the lessons keep working.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from scratchnet.app.board import logic
from scratchnet.app.board.classes import Class
from scratchnet.app.board.database import BoardUnavailable
from scratchnet.app.board.logic import Refused
from scratchnet.app.board.store import Store
from scratchnet.app.challenges import board, charts, roster, view
from scratchnet.app.text import escape
from scratchnet.app.ui import board_connection as connection
from scratchnet.app.ui import classroom, live, session
from scratchnet.app.ui.cache import show_chart

CLASS_SECONDS = 3.0  # the class view on a projector refreshes this often
PROJECTOR = "projector"
LESSONS_PAGE = "pages/4_Lessons.py"
Lessons = list[tuple[str, str]]  # each lesson's key and title, in order


def wanted() -> bool:
    """True when the address names a class."""
    return classroom.CLASS_KEY in st.query_params


def _address(**query: str) -> str:
    return connection.address(query, view.PAGE_PATH)


def lessons() -> Lessons:
    """Each lesson's key and title, in order: the columns of a class's progress (the Lessons page
    lists them in ``classroom``, so that this page needs no import of another page)."""
    return classroom.lessons()


def page() -> None:
    """The class the address names: the teacher's view (with its key), the projector's, a student's
    own page (with their token), or the form to join."""
    class_id = st.query_params.get(classroom.CLASS_KEY, "")
    if not logic.ID_PATTERN.fullmatch(class_id):
        st.title("Class")
        st.error(f"{escape(class_id[:40])!r} is not a class id (8 letters, digits, - or _): check the address.")
        return
    try:
        db = connection.board_store()
        found = db.classroom(class_id)
    except BoardUnavailable as error:
        st.title("Class")
        st.error(
            f"{escape(error)} The Playground and the lessons work as usual, and your lessons are kept on your own "
            "address until the class's database is back.",
            icon=":material/database:",
        )
        return
    if found is None:
        st.title("Class")
        st.error(f"There is no class {escape(class_id)} on this server: check the address you were given.")
        return
    st.title(f"Class: {escape(found.title)}")
    _view(db, found, lessons())


def _view(db: Store, found: Class, lessons: Lessons) -> None:
    class_id = found.id
    key = st.query_params.get("key")
    if key is not None and logic.key_matches(key, found.key_hash):
        return teacher_view(db, found, key, lessons)
    if key is not None:
        st.warning("This teacher key does not belong to this class: the class is shown read-only.")
    member = classroom.member()
    if key is None and member is not None and member.class_id == class_id:
        return student_home(db, found, member, lessons)
    if key is not None or st.query_params.get("view") == PROJECTOR:
        return projector_view(db, found, lessons)
    join_form(found)


def _status(found: Class) -> None:
    st.caption("Closed: nobody joins, its challenges take no submissions." if found.closed else "Open.")


def _link(label: str, url: str, *, qr: bool = True) -> None:
    """A link with a copy button (``st.code``'s), and a QR code of it to scan from a phone."""
    st.markdown(label)
    st.code(url, language=None, wrap_lines=True)
    if qr:
        st.image(roster.qr_png(url), width=200)


# ---- the class, live ---------------------------------------------------------------------------------
def _still_open(db: Store, class_id: str) -> bool:
    try:
        return (found := db.classroom(class_id)) is not None and not found.closed
    except BoardUnavailable:
        return True  # keep trying: the view says what is wrong meanwhile


def _live(db: Store, class_id: str, lessons: Lessons, *, teacher: bool) -> None:
    """Students × lessons, and the class's challenge boards beside it."""
    try:
        students, records, challenge_ids = db.students(class_id), db.progress(class_id), db.class_challenges(class_id)
    except BoardUnavailable as error:
        st.error(escape(error), icon=":material/database:")
        return
    # the projector's big words need the width: the boards go under the students
    left, right = st.columns([3, 2], gap="large") if teacher else (st.container(), st.container())
    with left:
        st.markdown(f"**Students × lessons** ({len(roster.visible(students, teacher=teacher))})")
        if not students:
            st.info("Nobody has joined yet: students open the join address (or scan its QR code).")
        else:
            shown = roster.visible(students, teacher=teacher)
            if not teacher:  # the projector: the names and their goals in big words
                table = roster.table(students, records, lessons, teacher=False)
                big = {"Student": table["Student"], "Goals met": table["Goals met"]}
                show_chart(charts.large_board(big, title="Students and the goals they met"), width="content")
            else:
                _roster_table(students, records, lessons, shown)
    with right:
        for challenge_id in challenge_ids:
            challenge = db.challenge(challenge_id)
            if challenge is not None:
                st.markdown(f"**Challenge: {escape(challenge.spec.title)}**")
                view.board_panel(db, challenge_id, teacher, large=not teacher)
        if not challenge_ids:
            st.caption("No challenge in this class yet.")
    shown_ids = {student.id for student in roster.visible(students, teacher=teacher)}
    goals = sum(1 for record in records if record.student_id in shown_ids and record.met_at is not None)
    st.caption(f"{len(shown_ids)} students · {goals} goals met · refreshed {board.shown_time(time.time())}")


def _roster_table(students: list, records: list, lessons: Lessons, shown: list) -> None:
    """The teacher's students × lessons table (hidden students greyed, struck through)."""
    st.dataframe(  # names in a table, never in Markdown: a cell shows its text as it is
        board.greyed(roster.table(students, records, lessons, teacher=True), [s.hidden for s in shown]),
        hide_index=True,
        width="stretch",
        key=session.CLASS_TABLE,
    )


def _follow(db: Store, found: Class, lessons: Lessons, *, teacher: bool) -> None:
    live.poll(
        lambda: _still_open(db, found.id),
        lambda: _live(db, found.id, lessons, teacher=teacher),
        CLASS_SECONDS,
        key=session.CLASS_LIVE,
    )


# ---- the teacher, the projector ----------------------------------------------------------------------
def teacher_view(db: Store, found: Class, key: str, lessons: Lessons) -> None:
    _status(found)
    st.info(
        "**Bookmark this page**: its address holds your teacher key and brings you back here after a reload "
        "or tomorrow. Keep it to yourself; project the projector address instead.",
        icon=":material/bookmark:",
    )
    join, projector, teacher = st.columns(3, gap="large")
    with join:
        _link("**Students join here** (scan or open, then type a name):", _address(**{"class": found.id}))
    with projector:
        _link(
            "**Projector** (read-only: no key, no hidden students):", _address(**{"class": found.id, "view": PROJECTOR})
        )
    with teacher:
        _link("**Your teacher address** (keep it to yourself):", _address(**{"class": found.id, "key": key}), qr=False)
    _follow(db, found, lessons, teacher=True)
    moderation(db, found, lessons)
    with st.expander("A challenge for this class"):
        view.create_form(class_id=found.id, key_hash=found.key_hash)
        for challenge_id in db.class_challenges(found.id):
            st.markdown("Moderate it on its own page (your class key is its teacher key):")
            st.code(connection.address(logic.teacher_query(challenge_id, key), view.PAGE_PATH), language=None)


def projector_view(db: Store, found: Class, lessons: Lessons) -> None:
    _status(found)
    if found.closed:
        _follow(db, found, lessons, teacher=False)
        return
    join, names = st.columns([1, 3], gap="large")  # one screen: how to join beside who has
    with join:
        _link(
            "**Join the class**: scan this, or open the address, and type your name.", _address(**{"class": found.id})
        )
    with names:
        _follow(db, found, lessons, teacher=False)


def _act(action: Callable[[], Any]) -> None:
    """Run a class action (a button's callback); what went wrong is kept for the next draw."""
    try:
        action()
        session.set_class_error(None)
    except (BoardUnavailable, Refused) as error:
        session.set_class_error(str(error))


def moderation(db: Store, found: Class, lessons: Lessons) -> None:
    """Rename, hide or remove a student; the class as CSV; close the class; delete all of its data."""
    if message := session.class_error():
        st.error(escape(message), icon=":material/error:")
    try:
        students, records = db.students(found.id), db.progress(found.id)
    except BoardUnavailable as error:
        st.error(escape(error), icon=":material/database:")
        return
    by_id = {student.id: student for student in students}
    pick, rename, act = st.columns([2, 2, 2], vertical_alignment="bottom")
    picked = pick.selectbox(
        "Student",
        list(by_id),
        format_func=lambda i: by_id[i].name + (" (hidden)" if by_id[i].hidden else ""),
        index=None,
        placeholder="Pick a student to rename, hide or remove",
        key=session.CLASS_PICK,
    )
    if picked in by_id:
        chosen = by_id[picked]
        rename.text_input("New name", chosen.name, max_chars=logic.NAME_LENGTH, key=session.CLASS_RENAME)
        rename.button(
            "Rename",
            on_click=_act,
            args=(lambda: db.rename_student(found.id, picked, session.class_text(session.CLASS_RENAME)),),
        )
        act.button(
            "Show again" if chosen.hidden else "Hide from the projector",
            on_click=_act,
            args=(lambda: db.set_student_hidden(found.id, picked, not chosen.hidden),),
        )
        act.button("Remove (deletes their rows)", on_click=_act, args=(lambda: db.forget_student(found.id, picked),))
    csv_col, close_col, delete_col = st.columns(3, vertical_alignment="bottom")
    csv_col.download_button(
        "Class (.csv)",
        roster.class_csv(students, records, lessons),
        f"class-{found.id}.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    close_col.button(
        "Reopen the class" if found.closed else "Close the class",
        on_click=_act,
        args=(lambda: db.set_class_closed(found.id, not found.closed),),
        icon=":material/lock_open:" if found.closed else ":material/lock:",
    )
    sure = delete_col.checkbox("Yes, delete everything of this class")
    delete_col.button(
        "Delete all of its data",
        disabled=not sure,
        on_click=_act,
        args=(lambda: _delete(db, found.id),),
        type="primary",
    )


def _delete(db: Store, class_id: str) -> None:
    db.delete_class(class_id)
    st.query_params.clear()


# ---- a student -----------------------------------------------------------------------------------------
def student_home(db: Store, found: Class, member: classroom.Member, lessons: Lessons) -> None:
    _status(found)
    st.success(f"You are **{escape(member.name)}** in this class.", icon=":material/person:")
    personal = _address(**{"class": found.id, "me": member.token})
    left, right = st.columns([3, 1], gap="large")
    with left:
        st.markdown(
            "**Your personal address: bookmark this to come back.** It brings you back as yourself, with your "
            "progress and board entries, after a reload, tomorrow or on another device. Keep it to yourself: "
            "whoever opens it is you in this class."
        )
        st.code(personal, language=None, wrap_lines=True)
        titles = dict(lessons)
        met = [titles.get(key, key) for key in sorted(classroom.goals_met(titles), key=list(titles).index)]
        st.markdown(f"**Lesson goals met:** {escape(', '.join(met)) if met else 'none yet'}.")
        st.page_link(LESSONS_PAGE, label="The lessons", icon=":material/school:", query_params=classroom.along())
        for challenge_id in db.class_challenges(found.id):
            challenge = db.challenge(challenge_id)
            if challenge is not None:
                query = logic.student_query(challenge_id, challenge.spec) | classroom.along()
                st.link_button(
                    f"Challenge: {escape(challenge.spec.title)}",
                    connection.address(query),
                    icon=":material/emoji_events:",
                )
    with right:
        st.image(roster.qr_png(personal), caption="Your address, to scan with a phone", width=200)
    with st.expander("Leave the class (forget me)"):
        st.caption("Deletes your name, your progress and your board entries from this class. This cannot be undone.")
        sure = st.checkbox("Yes, forget me")
        st.button("Forget me", disabled=not sure, on_click=_act, args=(classroom.forget,), key=session.CLASS_FORGET)


def join_form(found: Class) -> None:
    _status(found)
    if message := session.class_error():
        st.error(escape(message), icon=":material/error:")
    if found.closed:
        st.info("This class is closed: the teacher takes no new students.", icon=":material/lock:")
        return
    with st.form(session.CLASS_FORM, border=True):
        st.text_input("Your name", max_chars=logic.NAME_LENGTH, key=session.CLASS_JOIN_NAME)
        st.form_submit_button("Join the class", type="primary", on_click=_act, args=(lambda: _join(found.id),))
    st.caption(
        "Been here before? Open the personal address you bookmarked: you come back as yourself. "
        "Joining again makes someone new."
    )


def _join(class_id: str) -> None:
    classroom.join(class_id, session.class_text(session.CLASS_JOIN_NAME))


def create_class_form() -> None:
    """The teacher's form for a new class (on the Challenges page, before any challenge is open)."""
    with st.form(session.CLASS_TITLE + ".form", border=True):
        st.markdown(
            "**A new class**: students join with a name and come back with their own address; you see who met "
            "which lesson goal, and your class's challenges, live."
        )
        st.text_input("Class name", "My class", max_chars=logic.TITLE_LENGTH, key=session.CLASS_TITLE)
        st.form_submit_button("Create the class", type="primary", on_click=_act, args=(_create_class,))
    if message := session.class_error():
        st.error(escape(message), icon=":material/error:")


def _create_class() -> None:
    class_id, key = connection.board_store().create_class(session.class_text(session.CLASS_TITLE))
    st.query_params.from_dict({classroom.CLASS_KEY: class_id, "key": key})
