import { benign, faults } from './surface.faults';
import { benignTests, faultTests } from '../harness/fault-cases';

faultTests(faults);
benignTests(benign);
