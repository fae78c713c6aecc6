sap.ui.define(['sap/m/MessageBox', 'sap/m/MessageToast'], (MessageBox, MessageToast) => {
  'use strict';

  /**
   * The handlers of a screen's "acknowledge with a comment" dialog, for its controller: the view
   * holds the Dialog `acknowledge` with the TextArea `comment` and the Button `confirm`, and the
   * controller has `onRefresh`. A row's button opens the dialog on the row's context of `model`;
   * confirming invokes the bound `action` with the comment, then the list is refreshed either way
   * (a failure is shown, e.g. another user acknowledged the row meanwhile).
   *
   * @param {{ model: string, action: string, acknowledged: (context: sap.ui.model.odata.v4.Context) => string }} options
   *   the OData model's name, the bound action's path (`Service.acknowledge(...)`), the toast after success
   */
  return function acknowledgeDialog({ model, action, acknowledged }) {
    return {
      onAcknowledge(event) {
        const dialog = this.byId('acknowledge');
        dialog.setBindingContext(event.getSource().getBindingContext(model), model);
        this.byId('comment').setValue('');
        this.byId('confirm').setEnabled(false);
        dialog.open();
      },
      onCommentChange(event) {
        this.byId('confirm').setEnabled(event.getParameter('value').trim() !== '');
      },
      onCancel() {
        this.byId('acknowledge').close();
      },
      onDialogClosed() {
        this.byId('acknowledge').setBindingContext(null, model);
      },
      async onConfirm() {
        const dialog = this.byId('acknowledge');
        const context = dialog.getBindingContext(model);
        const operation = context.getModel().bindContext(action, context);
        operation.setParameter('comment', this.byId('comment').getValue().trim());
        dialog.setBusy(true);
        try {
          await operation.invoke();
          MessageToast.show(acknowledged(context));
          dialog.close();
        } catch (error) {
          MessageBox.error(error.message, { title: 'Acknowledging failed' });
        } finally {
          dialog.setBusy(false);
          this.onRefresh();
        }
      },
    };
  };
});
