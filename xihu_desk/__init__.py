"""西湖司法所工作台 (Xihu Desk)."""

__version__ = "0.1.0"
APP_NAME = "XihuDesk"
