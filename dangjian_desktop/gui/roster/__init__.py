"""花名册 in the GUI: the import wizard and the export and template dialogs (opened from 组织台账).

    wizard        RosterImportWizard: composes the four pages, closes only when its run has stopped
    file_page     第一步：the file, the default branch, create / update
    mapping_page  第二步：each sheet's first rows and the item each column is read as
    check_page    第三步：the dry run's errors, changes and notes; the error report saved as xlsx
    import_page   第四步：the import itself
    run_page      what the check and import pages share: the run, its bar after a delay, cancel
    runner        ImportRun: the core importer as a kit Query (check) or Operation (import) off the GUI thread
    models        the problem and change tables
    dialogs       导出花名册, 下载导入模板, the message box with 打开文件

The rules (reading, mapping, checking, writing) are all in the core package roster/.
"""
