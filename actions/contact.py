"""A call-back number with consent: explain first, then store the number the worker sends.

Choosing 留下手机号 (or typing 我留个手机号) shows what the number is for, that the desk
sees it masked and that every look at it is logged; sending a number after that is the
consent. A number is stored on the open ticket only while the assistant is waiting for it
(the last bot message asked for it); a number sent unasked is not kept and the worker
gets a privacy reminder instead. The input gate catches the number before the classifier.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation
from changai.payloads import HANDOFF_BUTTON, custom_payload
from helpdesk import contacts, tickets
from knowledge.decision import UNASKED_MOBILE_TEXT
from knowledge.service import KnowledgeService, get_service
from knowledge.text_normalise import find_mobile, mask_mobile

ASKING = {"contact_consent", "contact_retry"}
DECLINE_BUTTON = {"title": "不用了", "payload": "/deny"}
SHARE_BUTTON = {"title": "留下手机号", "payload": "/share_contact"}

CONSENT_TEXT = (
    "留手机号是为了让工会工作人员打电话给您，只用于这次咨询。"
    "号码在工作人员的页面上会隐藏中间四位，需要回电时工作人员才会点开查看，每次查看都会留下记录。"
    "同意的话，请直接发送您的11位手机号；不想留也没关系，工作人员同样会在这个对话里回复您。"
)
RETRY_TEXT = (
    "这个号码好像不对。请发送11位的手机号，比如 138 1234 5678；不想留的话点「不用了」就行。"
)
NO_TICKET_TEXT = (
    "留手机号是为了让工会工作人员回电。您现在没有在等工作人员处理的问题；"
    "需要的话，先点「转人工」把问题转过去，再留手机号。"
)
DECLINED_TEXT = "好的，不留号码也没关系。工作人员会在这个对话里回复您，请留意消息。"


def last_bot_type(tracker: Tracker) -> str | None:
    """The custom ``type`` of the bot's message before the worker's latest one."""
    seen_user = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_user:
                return None
            seen_user = True
        elif kind == "bot" and seen_user:
            custom = (event.get("data") or {}).get("custom") or {}
            return custom.get("type") if isinstance(custom, dict) else None
    return None


def awaiting_contact(tracker: Tracker) -> bool:
    """True while the assistant has asked for the number and nothing else came in between."""
    return bool(tracker.get_slot("awaiting_contact")) and last_bot_type(tracker) in ASKING


def has_open_ticket(service: KnowledgeService, conversation_id: str) -> bool:
    with service.session_factory() as session:
        return tickets.open_ticket_for(session=session, conversation_id=conversation_id) is not None


def save_number(service: KnowledgeService, conversation_id: str, phone: str) -> bool:
    with service.transaction() as session:
        return (
            contacts.store_contact(session=session, conversation_id=conversation_id, phone=phone)
            is not None
        )


def ask_for_number(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    dispatcher.utter_message(
        text=CONSENT_TEXT,
        buttons=[DECLINE_BUTTON],
        json_message=custom_payload("contact_consent", escalated=True),
    )
    return [SlotSet("awaiting_contact", True), SlotSet("offer", None)]


def ask_again(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    dispatcher.utter_message(
        text=RETRY_TEXT,
        buttons=[DECLINE_BUTTON],
        json_message=custom_payload("contact_retry", escalated=True),
    )
    return [SlotSet("awaiting_contact", True)]


def decline(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    dispatcher.utter_message(
        text=DECLINED_TEXT, json_message=custom_payload("contact_declined", escalated=True)
    )
    return [SlotSet("awaiting_contact", None), SlotSet("offer", None)]


async def offer_contact(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """留下手机号: the consent text if a ticket is open, otherwise a pointer to 转人工."""
    if awaiting_contact(tracker) and any(c.isdigit() for c in conversation.latest_text(tracker)):
        return ask_again(dispatcher)  # 我的手机号是1381234 : a number, but not a mobile
    if not await asyncio.to_thread(has_open_ticket, get_service(), tracker.sender_id):
        dispatcher.utter_message(
            text=NO_TICKET_TEXT,
            buttons=[HANDOFF_BUTTON],
            json_message=custom_payload("contact_no_ticket"),
        )
        return [SlotSet("awaiting_contact", None), SlotSet("offer", None)]
    return ask_for_number(dispatcher)


async def receive_number(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[dict[str, Any]]:
    """A mobile number arrived (the input gate said so): store it only if it was asked for."""
    raw = str(tracker.latest_message.get("text") or "")
    phone = find_mobile(conversation.latest_text(tracker)) or find_mobile(raw)
    if phone and awaiting_contact(tracker):
        if await asyncio.to_thread(save_number, get_service(), tracker.sender_id, phone):
            dispatcher.utter_message(
                text=(
                    f"好的，已记下您的手机号 {mask_mobile(phone)}。"
                    "工作人员需要时会打这个号码联系您，"
                    "也会在这个对话里回复您。"
                ),
                json_message=custom_payload(
                    "contact_saved", escalated=True, masked=mask_mobile(phone)
                ),
            )
            return [SlotSet("awaiting_contact", None), SlotSet("offer", None)]
    dispatcher.utter_message(
        text=UNASKED_MOBILE_TEXT,
        buttons=[SHARE_BUTTON],
        json_message=custom_payload("input_issue", issue="mobile_number", stored=False),
    )
    return [SlotSet("awaiting_contact", None)]


class ActionShareContact(Action):
    def name(self) -> str:
        return "action_share_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return await offer_contact(dispatcher, tracker)
