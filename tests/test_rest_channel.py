import asyncio

from connectors.rest_channel import RestInput, WholeMessageCollector


def test_text_buttons_and_custom_stay_in_one_message() -> None:
    collector = WholeMessageCollector()
    message = {
        "text": "第一段\n\n第二段",
        "buttons": [{"title": "有帮助", "payload": "/feedback_helpful"}],
        "custom": {"topic": "dormitory", "faq_id": 3},
    }
    asyncio.run(collector.send_response("w1", dict(message)))
    assert collector.messages == [{"recipient_id": "w1", **message}]


def test_channel_keeps_the_rest_url() -> None:
    assert RestInput.name() == "rest"
