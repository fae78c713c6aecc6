import cds from '@sap/cds';
import { redrive } from './pipeline/settlement';

export default class AdminService extends cds.ApplicationService {
  override init(): Promise<void> {
    const { DeadLetters } = this.entities;

    this.on('redrive', DeadLetters, async (req) => {
      const [key] = req.params as [{ ID: string } | string];
      const id = typeof key === 'string' ? key : key.ID;
      const letter = await SELECT.one.from(DeadLetters).where({ ID: id });
      if (!letter) return req.reject(404, `Dead letter ${id} does not exist`);
      if (letter.redrivenAt) return req.reject(409, `Dead letter ${id} was already re-driven at ${letter.redrivenAt}`);
      if (!(await redrive(letter.idoc_ID as string))) {
        return req.reject(409, `IDoc ${letter.idoc_ID} is not waiting in the dead letters any more`);
      }
      return SELECT.one.from(DeadLetters).where({ ID: id });
    });

    return super.init();
  }
}
