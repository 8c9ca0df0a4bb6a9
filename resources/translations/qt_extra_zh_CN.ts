<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own dialog strings that Qt's qtbase_zh_CN does not translate (Qt 6 changed their source
     text). Loaded after qtbase_zh_CN by xihu_desk/gui/i18n.py; compile with
     pyside6-lrelease qt_extra_zh_CN.ts -qm qt_extra_zh_CN.qm -->
<TS version="2.1" language="zh_CN">
<context>
    <name>QFileDialog</name>
    <message><source>&amp;Look in:</source><translation>查找范围(&amp;L)：</translation></message>
    <message><source>Files of &amp;type:</source><translation>文件类型(&amp;T)：</translation></message>
</context>
<context>
    <name>QPrintSettingsOutput</name>
    <message><source>Page &amp;Set:</source><translation>页面组(&amp;S)：</translation></message>
</context>
<context>
    <name>QPageSetupWidget</name>
    <message><source>Page &amp;order:</source><translation>页面顺序(&amp;O)：</translation></message>
    <message><source>Pages &amp;per sheet:</source><translation>每张页数(&amp;P)：</translation></message>
</context>
</TS>
